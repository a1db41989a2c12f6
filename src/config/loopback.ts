/**
 * This machine, as a URL's host or a socket's peer: `localhost`, 127.0.0.0/8 and ::1
 * (RFC 6761 §6.3 reserves "localhost"; RFC 1122 §3.2.1.3 and RFC 4291 §2.5.3 the loopback
 * addresses). Traffic to them never leaves the machine.
 */
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** A URL hostname (`new URL(…).hostname`, IPv6 in brackets) that is this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOST.test(hostname);
}

/** A socket's remote address (`::ffff:127.0.0.1` for IPv4 on a dual-stack socket) that is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** Whether a URL's host is this machine; false for anything that is not a URL. */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
