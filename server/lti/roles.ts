/**
 * LTI roles (full context-role URIs, or the short names some platforms send) mapped to GradLab's.
 * A TA may carry Instructor too: both are kept. GradLab's global role is at most instructor: no
 * LTI role (Administrator included) ever makes a GradLab admin.
 */
export type LtiRole = "instructor" | "ta" | "learner";

const LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership";

export function mapLtiRoles(roles: unknown): LtiRole[] {
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  const out = new Set<LtiRole>();
  for (const r of list) {
    // Sub-roles look like `${LIS}/Instructor#TeachingAssistant`; plain ones `${LIS}#Instructor`.
    if (r === `${LIS}/Instructor#TeachingAssistant` || r === `${LIS}#TeachingAssistant` || r === "TeachingAssistant") out.add("ta");
    else if (r === `${LIS}#Instructor` || r === "Instructor" || r.startsWith(`${LIS}/Instructor#`)) out.add("instructor");
    else if (r === `${LIS}#Learner` || r === "Learner" || r.startsWith(`${LIS}/Learner#`)) out.add("learner");
  }
  return (["instructor", "ta", "learner"] as const).filter((r) => out.has(r));
}

/** The global role a launch grants: instructor for an Instructor, else learner. */
export function globalRoleOf(roles: LtiRole[]): "instructor" | "learner" {
  return roles.includes("instructor") ? "instructor" : "learner";
}
