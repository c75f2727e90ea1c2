import { getLocale, getTranslations } from "next-intl/server";
import { loadServer } from "../../_lib/server-loader.ts";
import { requireUser } from "../../_lib/session.ts";
import { TopBar } from "../../_components/TopBar.tsx";
import { catalogueText } from "../../_i18n/catalogue.ts";
import "./deep-link.css";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  return { title: (await getTranslations("ltiDeepLink"))("title") };
}

/**
 * The deep-linking picker (LTI Deep Linking 2.0): an LMS instructor arrives here from a
 * LtiDeepLinkingRequest launch with the request in `s` (a token GradLab signed), picks exercises
 * or a whole assignment, and the form's answer posts the chosen links back to the LMS.
 */
export default async function DeepLinkPicker({ searchParams }: { searchParams: Promise<{ s?: string; error?: string }> }) {
  const { s = "", error } = await searchParams;
  const user = await requireUser(`/lti/deep-link?s=${encodeURIComponent(s)}`);
  const be = await loadServer();
  const t = await getTranslations("ltiDeepLink");
  const locale = await getLocale();
  let view;
  try {
    view = await be.lti.deepLink.picker(user, s, locale);
  } catch (e) {
    if (!(e instanceof be.LtiError)) throw e;
    return (
      <>
        <TopBar user={user} crumbs={[{ label: t("title") }]} />
        <main className="page deep-link">
          <h1>{t("cannotOpen")}</h1>
          <p role="alert" data-testid="deep-link-error" data-code={e.code}>{t.has(`errors.${e.code}`) ? t(`errors.${e.code}`) : e.message}</p>
        </main>
      </>
    );
  }
  const cat = catalogueText(locale);
  const many = view.acceptMultiple;
  return (
    <>
      <TopBar user={user} crumbs={[{ label: t("title") }]} />
      <main className="page deep-link">
        <h1>{t("title")}</h1>
        <p className="muted">{t("intro", { course: view.contextTitle ?? t("thisCourse") })}</p>
        {!many && <p className="muted">{t("onlyOne")}</p>}
        {error && t.has(`errors.${error}`) && <p role="alert" className="deep-link-error" data-testid="deep-link-error">{t(`errors.${error}`)}</p>}
        <form method="post" action="/api/lti/deep-link" data-testid="deep-link-form">
          <input type="hidden" name="s" value={s} />
          <h2>{t("exercises")}</h2>
          {view.options.sets.map((set) => (
            <fieldset key={set.id} className="deep-link-set">
              <legend>{cat.setTitle(set.id, set.title)}</legend>
              <ul>
                {set.exercises.map((ex) => (
                  <li key={ex.id}>
                    <label>
                      <input type={many ? "checkbox" : "radio"} name="exercise" value={ex.id} data-testid={`pick-${ex.id}`} />
                      <span className="deep-link-title">{ex.title}</span>
                      <span className="muted small">{t("points", { points: ex.points })}</span>
                    </label>
                    <div className="muted small deep-link-summary">{cat.summary(ex.id, ex.summary)}</div>
                  </li>
                ))}
              </ul>
            </fieldset>
          ))}
          <h2>{t("assignments")}</h2>
          {view.options.assignments.length === 0 ? (
            <p className="muted">{t("noAssignments")}</p>
          ) : (
            <ul className="deep-link-assignments">
              <li>
                <label>
                  <input type="radio" name="assignment" value="" defaultChecked />
                  <span>{t("noAssignment")}</span>
                </label>
              </li>
              {view.options.assignments.map((a) => (
                <li key={a.ref}>
                  <label>
                    <input type="radio" name="assignment" value={a.ref} data-testid={`pick-assignment-${a.ref}`} />
                    <span>{t("assignmentLine", { course: a.courseTitle, title: a.title, count: a.exercises, points: a.points })}</span>
                  </label>
                </li>
              ))}
            </ul>
          )}
          <p>
            <button type="submit" className="primary" data-testid="deep-link-submit">{t("submit")}</button>
          </p>
        </form>
      </main>
    </>
  );
}
