/** The parts of an ECR registry host such as `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
export interface EcrHost {
  accountId: string;
  region: string;
  /** `amazonaws.com`, or `amazonaws.com.cn` in the China regions. */
  domain: string;
}

const ECR_HOST =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(amazonaws\.com(?:\.cn)?)$/;

/** The account and region of an ECR registry host; undefined for any other host. */
export function parseEcrHost(host: string): EcrHost | undefined {
  const match = ECR_HOST.exec(host.toLowerCase());
  if (!match) return undefined;
  return { accountId: match[1] ?? '', region: match[2] ?? '', domain: match[3] ?? '' };
}

/** The registry host of an account's private ECR registry in a region. */
export function ecrHost(accountId: string, region: string): string {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${accountId}.dkr.ecr.${region}.${domain}`;
}

/** `host[:port]` of a URL such as ECR's proxyEndpoint `https://123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
export function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  }
}

/** True for hosts Docker reaches over plain HTTP without configuration: 127.0.0.0/8, localhost, ::1. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name ?? '');
}
