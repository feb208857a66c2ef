package dev.promptjuggler.contracts.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * An http(s) URL as an outgoing request connects to it: where webhook registration checks it and where
 * webhook-dispatcher delivers to it, so both read a URL the same way.
 *
 * <p>{@link URI} alone is not enough: it takes {@code 127.1}, {@code 0x7f000001}, {@code 017700000001} or
 * {@code 2130706433} for a registry name and answers no host, while browsers, curl and many resolvers read
 * them as IPv4 addresses (all four are 127.0.0.1). A host that ends in a number is therefore read as the
 * WHATWG URL Standard reads it (one to four parts, each decimal, octal with a leading 0 or hex with 0x) and
 * refused when that reading fails; anything else must be a host name {@link URI} accepts or a bracketed
 * IPv6 literal.
 *
 * @param host         the host as the request names it (Host header, SNI): a name as written, an IPv4
 *                     literal in dotted-quad form, an IPv6 literal without brackets
 * @param address      the address of a literal host; {@code null} for a name, which must be resolved
 * @param port         the port, the scheme's default when the URL has none
 * @param tls          {@code https}
 * @param pathAndQuery the raw path ({@code /} when empty) and query
 * @param written      the host as the URL spells it, for messages
 */
public record OutboundUrl(String host, InetAddress address, int port, boolean tls, String pathAndQuery, String written) {

    /**
     * @throws IllegalArgumentException why the URL cannot be connected to, phrased to follow "the URL" or a
     *                                  field name ("has no host", "must use http or https", …)
     */
    public static OutboundUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a valid URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must use http or https");
        }
        boolean tls = scheme.equals("https");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String pathAndQuery = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        Authority authority = uri.getHost() != null
                ? new Authority(uri.getHost(), uri.getPort())
                : Authority.parse(uri.getRawAuthority());
        int port = authority.port() < 0 ? (tls ? 443 : 80) : authority.port();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("has port " + port + ", outside 1-65535");
        }

        String written = authority.host();
        if (written.startsWith("[") && written.endsWith("]")) {
            String literal = written.substring(1, written.length() - 1);
            return new OutboundUrl(literal, ipv6(literal, written), port, tls, pathAndQuery, written);
        }
        InetAddress ipv4 = ipv4(written);
        if (ipv4 != null) {
            return new OutboundUrl(ipv4.getHostAddress(), ipv4, port, tls, pathAndQuery, written);
        }
        if (uri.getHost() == null) {
            // URI found no server-based authority: percent-encoded, non-ASCII or otherwise not a host name.
            throw new IllegalArgumentException("has a host that is not a valid host name: " + written
                    + " (write internationalized names in their xn-- form)");
        }
        return new OutboundUrl(written, null, port, tls, pathAndQuery, written);
    }

    /** Host and port of an authority {@link URI} could not read as server-based. */
    private record Authority(String host, int port) {

        static Authority parse(String rawAuthority) {
            if (rawAuthority == null || rawAuthority.isEmpty()) {
                throw new IllegalArgumentException("has no host");
            }
            String hostAndPort = rawAuthority.substring(rawAuthority.lastIndexOf('@') + 1);
            int colon = hostAndPort.lastIndexOf(':');
            if (colon < 0 || hostAndPort.endsWith("]")) {
                return requireHost(hostAndPort, -1);
            }
            String port = hostAndPort.substring(colon + 1);
            if (port.isEmpty()) {
                return requireHost(hostAndPort.substring(0, colon), -1);
            }
            if (!port.matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("has an invalid port: " + port);
            }
            return requireHost(hostAndPort.substring(0, colon), Integer.parseInt(port));
        }

        private static Authority requireHost(String host, int port) {
            if (host.isEmpty()) {
                throw new IllegalArgumentException("has no host");
            }
            return new Authority(host, port);
        }
    }

    private static InetAddress ipv6(String literal, String written) {
        // Only hex digits, colons and dots (an embedded IPv4 tail): InetAddress then parses, never looks up.
        if (!literal.matches("[0-9A-Fa-f:.]+") || !literal.contains(":")) {
            throw new IllegalArgumentException("has a host that is not a valid IPv6 address: " + written);
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("has a host that is not a valid IPv6 address: " + written);
        }
    }

    /**
     * The WHATWG URL Standard's IPv4 host parser, applied to a host that ends in a number.
     *
     * @return the address, or {@code null} when the host does not end in a number (it is a name)
     * @throws IllegalArgumentException when it ends in a number but is no IPv4 address ({@code 1.2.3.4.5},
     *                                  {@code 256.1.1.1}, {@code example.123})
     */
    static InetAddress ipv4(String host) {
        String[] parts = host.split("\\.", -1);
        int count = parts.length;
        if (count > 1 && parts[count - 1].isEmpty()) {
            count--;
        }
        String last = parts[count - 1];
        if (last.isEmpty() || !(last.chars().allMatch(c -> c >= '0' && c <= '9') || number(last) >= 0)) {
            return null;
        }
        String refusal = "has a host that is not a valid IPv4 address: " + host;
        if (count > 4) {
            throw new IllegalArgumentException(refusal);
        }
        long[] numbers = new long[count];
        for (int i = 0; i < count; i++) {
            numbers[i] = number(parts[i]);
            if (numbers[i] < 0 || i < count - 1 && numbers[i] > 255) {
                throw new IllegalArgumentException(refusal);
            }
        }
        if (numbers[count - 1] >= 1L << (8 * (5 - count))) {
            throw new IllegalArgumentException(refusal);
        }
        long value = numbers[count - 1];
        for (int i = 0; i < count - 1; i++) {
            value += numbers[i] << (8 * (3 - i));
        }
        byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    /** One part of an IPv4 host: decimal, octal after a leading 0, hex after 0x; -1 when it is none of them. */
    private static long number(String part) {
        if (part.isEmpty()) {
            return -1;
        }
        int radix = 10;
        String digits = part;
        if (part.length() >= 2 && (part.startsWith("0x") || part.startsWith("0X"))) {
            radix = 16;
            digits = part.substring(2);
        } else if (part.length() >= 2 && part.startsWith("0")) {
            radix = 8;
            digits = part.substring(1);
        }
        if (digits.isEmpty()) {
            return 0;
        }
        // Longer than any part of an IPv4 address can be: refused rather than overflowing.
        if (digits.length() > 12) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            int digit = c < 0x80 ? Character.digit(c, radix) : -1;
            if (digit < 0) {
                return -1;
            }
            value = value * radix + digit;
        }
        return value;
    }
}
