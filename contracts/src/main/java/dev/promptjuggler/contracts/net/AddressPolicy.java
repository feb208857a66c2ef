package dev.promptjuggler.contracts.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Which resolved addresses an outgoing request (a webhook, an http tool) may connect to. Everything that is not a public unicast address
 * is refused (loopback, private, link-local with the cloud metadata address, unique-local, multicast,
 * unspecified, carrier-grade NAT, benchmarking and documentation ranges, IPv4 inside IPv6), unless an
 * allow-list range covers it.
 */
public final class AddressPolicy {

    private static final List<Cidr> REFUSED = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"),
            Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.0.0.0/24"), Cidr.parse("192.0.2.0/24"), Cidr.parse("192.88.99.0/24"),
            Cidr.parse("192.168.0.0/16"), Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"),
            Cidr.parse("203.0.113.0/24"), Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"),
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("64:ff9b::/96"),
            Cidr.parse("64:ff9b:1::/48"), Cidr.parse("100::/64"), Cidr.parse("2001::/23"), Cidr.parse("2001:db8::/32"),
            Cidr.parse("2002::/16"), Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("fec0::/10"),
            Cidr.parse("ff00::/8"));

    private final List<Cidr> allowed;

    public AddressPolicy(List<String> allowedRanges) {
        this.allowed = allowedRanges.stream().map(String::trim).filter(range -> !range.isEmpty()).map(Cidr::parse).toList();
    }

    /** @return why {@code address} must not be connected to, or {@code null} when it may be */
    public String refusal(InetAddress given) {
        InetAddress address = canonical(given);
        if (allowed.stream().anyMatch(range -> range.contains(address))) {
            return null;
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()
                || REFUSED.stream().anyMatch(range -> range.contains(address))) {
            return address.getHostAddress() + " is not a public address";
        }
        return null;
    }

    /**
     * Why a request to {@code url} must not go out, given the addresses its host resolved to (the literal's
     * own address for an IP literal): the first refused one decides.
     *
     * @return e.g. {@code "localhost resolves to 127.0.0.1 is not a public address"}, or {@code null} when
     *         every address may be connected to
     */
    public String refusal(OutboundUrl url, List<InetAddress> addresses) {
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                return url.address() != null && url.written().equals(address.getHostAddress()) ? refusal
                        : url.written() + " resolves to " + refusal;
            }
        }
        return null;
    }

    /** The same address with an IPv4-mapped IPv6 form turned into IPv4, so it meets the IPv4 ranges. */
    private static InetAddress canonical(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes is always valid", e);
        }
    }

    /** An address range in CIDR notation; a bare address is a range of one. */
    record Cidr(byte[] network, int prefixLength) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String host = slash < 0 ? text : text.substring(0, slash);
            if (!host.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an IP address range: " + text);
            }
            try {
                byte[] bytes = InetAddress.getByName(host).getAddress();
                int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + text);
                }
                return new Cidr(bytes, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address range: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                // IPv4-mapped IPv6 addresses were made IPv4 by canonical(), so the families never mix.
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
