/** A lifecycle policy declared in template.json (push.lifecyclePolicy). */
export interface LifecycleSettings {
  /** Expire untagged images (e.g. tags moved away from them) this many days after they were pushed. */
  expireUntaggedAfterDays?: number;
  /** Keep only this many images in all, newest first (older content-hash images expire). */
  keepLast?: number;
}

/** The ECR lifecycle policy text for the settings; undefined when they ask for nothing. */
export function lifecyclePolicyText(settings: LifecycleSettings | undefined): string | undefined {
  if (!settings) return undefined;
  const rules: object[] = [];
  if (settings.expireUntaggedAfterDays !== undefined) {
    rules.push({
      rulePriority: rules.length + 1,
      description: `Expire untagged images after ${settings.expireUntaggedAfterDays} days`,
      selection: {
        tagStatus: 'untagged',
        countType: 'sinceImagePushed',
        countUnit: 'days',
        countNumber: settings.expireUntaggedAfterDays,
      },
      action: { type: 'expire' },
    });
  }
  // ECR requires the `any` rule to have the lowest priority (the highest number).
  if (settings.keepLast !== undefined) {
    rules.push({
      rulePriority: rules.length + 1,
      description: `Keep the last ${settings.keepLast} images`,
      selection: {
        tagStatus: 'any',
        countType: 'imageCountMoreThan',
        countNumber: settings.keepLast,
      },
      action: { type: 'expire' },
    });
  }
  return rules.length > 0 ? JSON.stringify({ rules }) : undefined;
}
