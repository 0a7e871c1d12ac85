package dev.outrigger.worker;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Decides whether a webhook may call a URL, before any byte is sent: the scheme, the optional host allowlist, and
 * every address the host resolves to. A job body is user-influenced input; without this, a webhook job could read
 * the instance metadata service (169.254.169.254), Django's internal endpoints or anything else in the VPC.
 *
 * <p>The vetted addresses are returned so the caller connects to exactly those ({@link PinnedHttpClient}): a second
 * DNS lookup at connect time could answer differently (DNS rebinding).
 */
public final class SsrfGuard {

    /** Resolves a host name to all its addresses (the real one is {@link InetAddress#getAllByName}). */
    @FunctionalInterface
    public interface Resolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;
    }

    /** A URL that passed: connect only to these addresses, and present {@code host} for Host, SNI and the certificate. */
    public record Target(URI uri, String host, int port, boolean https, List<InetAddress> addresses) {
    }

    /** The URL may not be called; the message says which rule and which address. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    private static final Pattern NUMERIC_LABEL = Pattern.compile("^(0x[0-9a-f]*|[0-9]+)$");

    private final Resolver resolver;
    private final boolean allowHttp;
    private final List<String> allowedHosts;
    private final Predicate<InetSocketAddress> exempt;

    /**
     * @param allowedHosts exact host names or "*.suffix" patterns; empty allows any host that passes the address checks
     * @param exempt       addresses (with port) that skip the address checks; production passes none. Tests use it to
     *                     let the first hop reach a server on 127.0.0.1, which is how a redirect to a refused address
     *                     can be tested honestly: the first hop is real, the redirect target is checked for real.
     */
    public SsrfGuard(Resolver resolver, boolean allowHttp, List<String> allowedHosts, Predicate<InetSocketAddress> exempt) {
        this.resolver = resolver;
        this.allowHttp = allowHttp;
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
        this.exempt = exempt;
    }

    public static SsrfGuard system(boolean allowHttp, List<String> allowedHosts) {
        return new SsrfGuard(host -> Arrays.asList(InetAddress.getAllByName(host)), allowHttp, allowedHosts, a -> false);
    }

    /**
     * Checks a URL. Throws Refused for a URL that breaks a rule, UnknownHostException when the name doesn't resolve
     * (which may be transient).
     */
    public Target check(URI uri) throws Refused, UnknownHostException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean https = scheme.equals("https");
        if (!https && !(scheme.equals("http") && allowHttp)) {
            throw new Refused("scheme '" + scheme + "' is not allowed (https only"
                    + (allowHttp ? ", or http" : "; set OUTRIGGER_WEBHOOK_ALLOW_HTTP=true to allow http") + ")");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("credentials in the URL are not allowed");
        }
        String host = uri.getHost();
        int port = uri.getPort();
        if (host == null && uri.getRawAuthority() != null) {
            // java.net.URI rejects hosts like 2130706433 or 0x7f.1 as server authorities (a top label must start
            // with a letter) and leaves getHost() null; read them anyway so the refusal says what they mean.
            String authority = uri.getRawAuthority();
            int colon = authority.lastIndexOf(':');
            if (colon > 0 && authority.substring(colon + 1).matches("\\d{1,5}")) {
                port = Integer.parseInt(authority.substring(colon + 1));
                authority = authority.substring(0, colon);
            }
            if (authority.matches("[0-9A-Za-z.]+")) {
                host = authority;
            }
        }
        if (host == null || host.isEmpty()) {
            throw new Refused("the URL has no valid host: " + uri.getRawAuthority());
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (port == -1) {
            port = https ? 443 : 80;
        }
        if (port < 1 || port > 65535) {
            throw new Refused("port " + port + " is out of range");
        }
        if (!allowedHosts.isEmpty() && allowedHosts.stream().noneMatch(allowHostMatcher(host))) {
            throw new Refused("host " + host + " is not in OUTRIGGER_WEBHOOK_ALLOWED_HOSTS");
        }
        List<InetAddress> addresses = addresses(host);
        for (InetAddress address : addresses) {
            String why = blockedReason(address);
            if (why != null && !exempt.test(new InetSocketAddress(address, port))) {
                throw new Refused("host " + host + " resolves to " + address.getHostAddress() + " (" + why + ")");
            }
        }
        return new Target(uri, host, port, https, List.copyOf(addresses));
    }

    private static Predicate<String> allowHostMatcher(String host) {
        return pattern -> pattern.startsWith("*.")
                ? host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1
                : host.equals(pattern);
    }

    private List<InetAddress> addresses(String host) throws Refused, UnknownHostException {
        if (host.startsWith("[")) {
            String literal = host.substring(1, host.length() - 1);
            if (literal.contains("%")) {
                throw new Refused("IPv6 zone ids are not allowed: " + host);
            }
            // A literal: parsed, never looked up.
            return List.of(InetAddress.getByName(literal));
        }
        String[] labels = host.split("\\.", -1);
        String last = labels[labels.length - 1];
        if (NUMERIC_LABEL.matcher(last).matches()) {
            // No top-level domain is numeric, so this is meant as an IPv4 address. Spellings such as 2130706433,
            // 0177.0.0.1, 0x7f.1 or 127.1 mean 127.0.0.1 to inet_aton (curl, browsers, libc) but differ across
            // parsers; only the canonical dotted quad is accepted, whatever it points at.
            byte[] parsed = InetAton.parse(host);
            if (parsed == null) {
                throw new Refused("host " + host + " is neither a valid IPv4 address nor a DNS name");
            }
            InetAddress address = InetAddress.getByAddress(parsed);
            if (!address.getHostAddress().equals(host)) {
                String why = blockedReason(address);
                throw new Refused("ambiguous IPv4 spelling " + host + " (= " + address.getHostAddress()
                        + (why == null ? "" : ", " + why) + "); write the dotted quad");
            }
            return List.of(address);
        }
        List<InetAddress> resolved = resolver.resolve(host);
        if (resolved == null || resolved.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return resolved;
    }

    /** Why an address may not be called, or null when it is a public unicast address. */
    public static String blockedReason(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address || b.length == 4) {
            return blockedV4(b);
        }
        if (address instanceof Inet6Address) {
            return blockedV6(b);
        }
        return "unknown address family";
    }

    static String blockedV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return "unspecified / this network, 0.0.0.0/8";
        }
        if (a0 == 10) {
            return "private, 10.0.0.0/8";
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "carrier-grade NAT, 100.64.0.0/10";
        }
        if (a0 == 127) {
            return "loopback, 127.0.0.0/8";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local and instance metadata, 169.254.0.0/16";
        }
        if (a0 == 172 && (a1 & 0xf0) == 16) {
            return "private, 172.16.0.0/12";
        }
        if (a0 == 192 && a1 == 0 && a2 == 0) {
            return "IETF protocol assignments, 192.0.0.0/24";
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2) || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "documentation range";
        }
        if (a0 == 192 && a1 == 88 && a2 == 99) {
            return "6to4 relay anycast, 192.88.99.0/24";
        }
        if (a0 == 192 && a1 == 168) {
            return "private, 192.168.0.0/16";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking, 198.18.0.0/15";
        }
        if ((a0 & 0xf0) == 224) {
            return "multicast, 224.0.0.0/4";
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && (b[3] & 0xff) == 255) {
            return "broadcast, 255.255.255.255";
        }
        if ((a0 & 0xf0) == 240) {
            return "reserved, 240.0.0.0/4";
        }
        return null;
    }

    static String blockedV6(byte[] b) {
        boolean first10Zero = allZero(b, 0, 10);
        if (allZero(b, 0, 16)) {
            return "unspecified, ::";
        }
        if (allZero(b, 0, 15) && b[15] == 1) {
            return "loopback, ::1";
        }
        if (first10Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return embedded("IPv4-mapped", b, 12);
        }
        if (allZero(b, 0, 8) && (b[8] & 0xff) == 0xff && (b[9] & 0xff) == 0xff && b[10] == 0 && b[11] == 0) {
            return embedded("IPv4-translated", b, 12);
        }
        if (first10Zero && b[10] == 0 && b[11] == 0) {
            return "IPv4-compatible (deprecated), ::/96";
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int w2 = ((b[4] & 0xff) << 8) | (b[5] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b && allZero(b, 4, 12)) {
            return embedded("NAT64", b, 12);
        }
        if (w0 == 0x0064 && w1 == 0xff9b && w2 == 0x0001) {
            return "local-use NAT64, 64:ff9b:1::/48";
        }
        if (w0 == 0x2002) {
            return embedded("6to4", b, 2);
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "documentation, 2001:db8::/32";
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            // Teredo hides the client's IPv4 address XOR-ed; no webhook needs Teredo, so refuse it whole.
            return "Teredo, 2001::/32";
        }
        if (w0 == 0x0100 && allZero(b, 2, 8)) {
            return "discard-only, 100::/64";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique local, fc00::/7";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local, fe80::/10";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local (deprecated), fec0::/10";
        }
        if ((b[0] & 0xff) == 0xff) {
            return "multicast, ff00::/8";
        }
        return null;
    }

    private static String embedded(String kind, byte[] b, int offset) {
        byte[] v4 = Arrays.copyOfRange(b, offset, offset + 4);
        String why = blockedV4(v4);
        return why == null ? null : kind + " address embedding " + (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "."
                + (v4[2] & 0xff) + "." + (v4[3] & 0xff) + " (" + why + ")";
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** IPv4 text the way inet_aton reads it: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x). */
    static final class InetAton {
        private InetAton() {
        }

        static byte[] parse(String text) {
            String[] parts = text.split("\\.", -1);
            if (parts.length < 1 || parts.length > 4) {
                return null;
            }
            long[] values = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                String p = parts[i];
                try {
                    if (p.isEmpty()) {
                        return null;
                    } else if (p.startsWith("0x")) {
                        values[i] = p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16);
                    } else if (p.length() > 1 && p.startsWith("0")) {
                        values[i] = Long.parseLong(p.substring(1), 8);
                    } else {
                        values[i] = Long.parseLong(p);
                    }
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            long address = 0;
            for (int i = 0; i < parts.length - 1; i++) {
                if (values[i] > 255) {
                    return null;
                }
                address |= values[i] << (8 * (3 - i));
            }
            long last = values[parts.length - 1];
            long lastMax = (1L << (8 * (5 - parts.length))) - 1;
            if (last > lastMax) {
                return null;
            }
            address |= last;
            return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        }
    }
}
