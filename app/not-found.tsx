import Link from "next/link";

export default function NotFound() {
  return (
    <main className="signin">
      <h1>Not found</h1>
      <p className="muted">There is no such page or exercise.</p>
      <Link href="/">Back to the problem sets</Link>
    </main>
  );
}
