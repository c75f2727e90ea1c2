/**
 * The web app (app/). Server-side logic (db, auth, grading queue) is loaded by Node itself, not
 * bundled (see app/_lib/server-loader.ts); the editor and the Run worker are prebuilt into
 * public/gradlab/ by app/_build/build-assets.ts. `npm run build` does both.
 */
import createNextIntlPlugin from "next-intl/plugin";

// The UI's translations (messages/<locale>/): next-intl reads its per-request config from here.
const withNextIntl = createNextIntlPlugin("./app/_i18n/request.ts");

/** @type {import("next").NextConfig} */
const config = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The app has its own tsconfig (JSX); `npm run typecheck:app` checks it, not the build.
  typescript: { ignoreBuildErrors: true, tsconfigPath: "app/tsconfig.json" },
  turbopack: { root: import.meta.dirname },
};

export default withNextIntl(config);
