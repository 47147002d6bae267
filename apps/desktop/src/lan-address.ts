// The address colleagues on the same network use to reach a host-mode server: an IPv4 address of
// a real network adapter, preferring the usual home/office ranges and skipping loopback,
// link-local (no DHCP answer) and the virtual adapters of VPNs, WSL, Docker and virtual machines.
import type { NetworkInterfaceInfo } from 'node:os';

export interface LanCandidate {
  address: string;
  adapter: string;
}

const VIRTUAL = /(vethernet|virtualbox|vmware|vbox|hyper-v|wsl|docker|br-|veth|virbr|tailscale|zerotier|tun|tap|utun|loopback)/i;

function isPrivate(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/** Every usable LAN address, best first. */
export function lanCandidates(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): LanCandidate[] {
  const found: (LanCandidate & { score: number })[] = [];
  for (const [adapter, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      const v4 = info.family === 'IPv4' || (info.family as unknown) === 4;
      if (!v4 || info.internal || info.address.startsWith('169.254.') || info.address.startsWith('127.')) continue;
      let score = 0;
      if (isPrivate(info.address)) score += 2;
      if (info.address.startsWith('192.168.')) score += 1; // home and small-office routers
      if (VIRTUAL.test(adapter)) score -= 4;
      found.push({ address: info.address, adapter, score });
    }
  }
  return found.sort((x, y) => y.score - x.score).map(({ address, adapter }) => ({ address, adapter }));
}

/** The URL to show and put in the QR code; a user-chosen address wins when it is still present. */
export function lanUrl(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, port: number, preferred?: string | null): string | null {
  const list = lanCandidates(interfaces);
  const pick = list.find((c) => c.address === preferred) ?? list[0];
  return pick ? `http://${pick.address}:${port}` : null;
}
