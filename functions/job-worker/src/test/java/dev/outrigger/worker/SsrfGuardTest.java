package dev.outrigger.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SsrfGuardTest {
    /** A fake DNS: no network in unit tests. */
    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.215.14"),
            "internal.example.com", List.of("10.0.0.12"),
            "mixed.example.com", List.of("93.184.215.14", "192.168.1.10"),
            "metadata.example.com", List.of("169.254.169.254"),
            "v6private.example.com", List.of("fd12:3456::1"),
            "v6public.example.com", List.of("2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
            "localhost", List.of("127.0.0.1", "::1"));

    private static final SsrfGuard.Resolver FAKE_DNS = host -> {
        List<String> ips = DNS.get(host);
        if (ips == null) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> out = new java.util.ArrayList<>();
        for (String ip : ips) {
            out.add(InetAddress.getByName(ip));
        }
        return out;
    };

    private final SsrfGuard guard = new SsrfGuard(FAKE_DNS, false, List.of(), a -> false);

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(delimiter = '|', value = {
            "https://169.254.169.254/latest/meta-data/     | link-local and instance metadata",
            "https://10.0.0.1/                             | private, 10.0.0.0/8",
            "https://10.255.255.255/                       | private, 10.0.0.0/8",
            "https://172.16.0.1/                           | private, 172.16.0.0/12",
            "https://172.31.255.254/                       | private, 172.16.0.0/12",
            "https://192.168.0.1/                          | private, 192.168.0.0/16",
            "https://127.0.0.1/                            | loopback",
            "https://127.255.0.9:8443/                     | loopback",
            "https://100.64.0.1/                           | carrier-grade NAT",
            "https://0.0.0.0/                              | unspecified",
            "https://224.0.0.251/                          | multicast",
            "https://255.255.255.255/                      | broadcast",
            "https://240.0.0.1/                            | reserved",
            "https://[::1]/                                | loopback, ::1",
            "https://[::]/                                 | unspecified",
            "https://[fd00::1]/                            | unique local",
            "https://[fc00::1]/                            | unique local",
            "https://[fe80::1]/                            | link-local, fe80::/10",
            "https://[ff02::1]/                            | multicast",
            "https://[::ffff:10.0.0.1]/                    | private, 10.0.0.0/8",
            "https://[::ffff:127.0.0.1]/                   | loopback",
            "https://[::ffff:169.254.169.254]/             | instance metadata",
            "https://[::10.0.0.1]/                         | IPv4-compatible",
            "https://[64:ff9b::a00:1]/                     | NAT64 address embedding 10.0.0.1",
            "https://[2002:a9fe:a9fe::1]/                  | 6to4 address embedding 169.254.169.254",
            "https://[2001:0:4136:e378::1]/                | Teredo",
            "https://internal.example.com/hook             | resolves to 10.0.0.12",
            "https://metadata.example.com/                 | resolves to 169.254.169.254",
            "https://mixed.example.com/                    | resolves to 192.168.1.10",
            "https://v6private.example.com/                | unique local",
            "https://localhost/                            | loopback",
    })
    void check_refusesNonPublicAddresses(String url, String why) {
        assertThatThrownBy(() -> guard.check(URI.create(url.trim())))
                .isInstanceOf(SsrfGuard.Refused.class)
                .hasMessageContaining(why.trim());
    }

    @ParameterizedTest(name = "{0} is refused as an odd spelling")
    @CsvSource(delimiter = '|', value = {
            "https://2130706433/           | 127.0.0.1",
            "https://0177.0.0.1/           | 127.0.0.1",
            "https://0x7f.1/               | 127.0.0.1",
            "https://0x7f000001/           | 127.0.0.1",
            "https://127.1/                | 127.0.0.1",
            "https://017700000001/         | 127.0.0.1",
            "https://0xa9.0xfe.0xa9.0xfe/  | 169.254.169.254",
            "https://012.0.0.1/            | 10.0.0.1",
            "https://3232235777/           | 192.168.1.1",
            "https://0x5d.0xb8.0xd7.0x0e/  | 93.184.215.14",
    })
    void check_refusesNonCanonicalIpv4Spellings_namingWhatTheyMean(String url, String meaning) {
        assertThatThrownBy(() -> guard.check(URI.create(url.trim())))
                .isInstanceOf(SsrfGuard.Refused.class)
                .hasMessageContaining("ambiguous IPv4 spelling")
                .hasMessageContaining("= " + meaning.trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://1.2.3.4.5/", "https://999.1.1.1/", "https://0x1g.1/", "https://example.123/"})
    void check_refusesNumericHostsThatAreNotAddresses(String url) {
        assertThatThrownBy(() -> guard.check(URI.create(url))).isInstanceOf(SsrfGuard.Refused.class);
    }

    @Test
    void check_allowsPublicNames_andReturnsTheVettedAddresses() throws Exception {
        SsrfGuard.Target target = guard.check(URI.create("https://hooks.example.com/x?y=1"));
        assertThat(target.host()).isEqualTo("hooks.example.com");
        assertThat(target.port()).isEqualTo(443);
        assertThat(target.https()).isTrue();
        assertThat(target.addresses()).containsExactly(InetAddress.getByName("93.184.215.14"));
        assertThat(guard.check(URI.create("https://v6public.example.com:8443/")).port()).isEqualTo(8443);
        assertThat(guard.check(URI.create("https://93.184.215.14/")).addresses()).hasSize(1);
        assertThat(guard.check(URI.create("https://[64:ff9b::5db8:d70e]/")).addresses()).hasSize(1);
    }

    @Test
    void check_refusesHttp_unlessAllowed() throws Exception {
        assertThatThrownBy(() -> guard.check(URI.create("http://hooks.example.com/")))
                .isInstanceOf(SsrfGuard.Refused.class).hasMessageContaining("OUTRIGGER_WEBHOOK_ALLOW_HTTP");
        SsrfGuard allowHttp = new SsrfGuard(FAKE_DNS, true, List.of(), a -> false);
        assertThat(allowHttp.check(URI.create("http://hooks.example.com/")).port()).isEqualTo(80);
        assertThatThrownBy(() -> allowHttp.check(URI.create("http://127.0.0.1:8000/")))
                .isInstanceOf(SsrfGuard.Refused.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> allowHttp.check(URI.create("file:///etc/passwd"))).isInstanceOf(SsrfGuard.Refused.class);
        assertThatThrownBy(() -> allowHttp.check(URI.create("gopher://hooks.example.com/"))).isInstanceOf(SsrfGuard.Refused.class);
    }

    @Test
    void check_refusesCredentialsInTheUrl_andZoneIds() {
        assertThatThrownBy(() -> guard.check(URI.create("https://user:pw@hooks.example.com/")))
                .isInstanceOf(SsrfGuard.Refused.class).hasMessageContaining("credentials");
        // java.net.URI may reject the zone id itself; either way no request is made.
        assertThatThrownBy(() -> guard.check(URI.create("https://[fe80::1%25eth0]/")))
                .isInstanceOfAny(SsrfGuard.Refused.class, IllegalArgumentException.class);
    }

    @Test
    void check_withAllowlist_acceptsExactAndSuffixMatchesOnly() throws Exception {
        SsrfGuard listed = new SsrfGuard(FAKE_DNS, false, List.of("hooks.example.com", "*.partner.test"), a -> false);
        assertThat(listed.check(URI.create("https://HOOKS.example.com./a")).host()).isEqualTo("hooks.example.com");
        assertThatThrownBy(() -> listed.check(URI.create("https://v6public.example.com/")))
                .isInstanceOf(SsrfGuard.Refused.class).hasMessageContaining("OUTRIGGER_WEBHOOK_ALLOWED_HOSTS");
        // *.partner.test matches subdomains, not the apex and not look-alikes.
        assertThatThrownBy(() -> listed.check(URI.create("https://partner.test/"))).isInstanceOf(SsrfGuard.Refused.class);
        assertThatThrownBy(() -> listed.check(URI.create("https://evilpartner.test/"))).isInstanceOf(SsrfGuard.Refused.class);
    }

    @Test
    void check_allowlistedHost_isStillRefused_whenItResolvesPrivate() {
        SsrfGuard listed = new SsrfGuard(FAKE_DNS, false, List.of("internal.example.com"), a -> false);
        assertThatThrownBy(() -> listed.check(URI.create("https://internal.example.com/")))
                .isInstanceOf(SsrfGuard.Refused.class).hasMessageContaining("10.0.0.12");
    }

    @Test
    void check_unresolvableName_isUnknownHost_notRefused() {
        assertThatThrownBy(() -> guard.check(URI.create("https://nowhere.example.com/")))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    void inetAton_readsEverySpellingLikeLibc() {
        assertThat(SsrfGuard.InetAton.parse("127.1")).containsExactly(127, 0, 0, 1);
        assertThat(SsrfGuard.InetAton.parse("10.1.257")).containsExactly(10, 1, 1, 1);
        assertThat(SsrfGuard.InetAton.parse("0")).containsExactly(0, 0, 0, 0);
        assertThat(SsrfGuard.InetAton.parse("4294967295")).containsExactly(-1, -1, -1, -1);
        assertThat(SsrfGuard.InetAton.parse("4294967296")).isNull();
        assertThat(SsrfGuard.InetAton.parse("08.0.0.1")).isNull();
        assertThat(SsrfGuard.InetAton.parse("1..1")).isNull();
    }
}
