package dev.promptjuggler.contracts.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutboundUrlTest {

    @Test
    void aNameKeepsItsSpellingAndGetsTheSchemesDefaultPort() {
        OutboundUrl url = OutboundUrl.parse("https://user@Hooks.Example.com/a/b?x=1&y=%20");

        assertEquals("Hooks.Example.com", url.host());
        assertNull(url.address());
        assertEquals(443, url.port());
        assertTrue(url.tls());
        assertEquals("/a/b?x=1&y=%20", url.pathAndQuery());

        OutboundUrl plain = OutboundUrl.parse("HTTP://hooks.example.com");
        assertEquals(80, plain.port());
        assertFalse(plain.tls());
        assertEquals("/", plain.pathAndQuery());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://127.1/|127.0.0.1",
            "http://0x7f000001/|127.0.0.1",
            "http://017700000001/|127.0.0.1",
            "http://2130706433/|127.0.0.1",
            "http://0x7F.0.0.1/|127.0.0.1",
            "http://010.0.0.1/|8.0.0.1",
            "http://1.2.3/|1.2.0.3",
            "http://0x/|0.0.0.0",
            "http://4294967295/|255.255.255.255",
            "http://[::ffff:127.0.0.1]/|127.0.0.1",
            "http://[::1]/|0:0:0:0:0:0:0:1"})
    void numericHostsAreReadAsBrowsersReadThem(String written, String address) {
        assertEquals(address, OutboundUrl.parse(written).address().getHostAddress());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ftp://hooks.example.com/|must use http or https",
            "hooks.example.com/a|must use http or https",
            "http:///a|has no host",
            "http://:8080/a|has no host",
            "http://1.2.3.4.5/|has a host that is not a valid IPv4 address: 1.2.3.4.5",
            "http://256.1.1.1/|has a host that is not a valid IPv4 address: 256.1.1.1",
            "http://4294967296/|has a host that is not a valid IPv4 address: 4294967296",
            "http://example.123/|has a host that is not a valid IPv4 address: example.123",
            "http://0x1g.1/|has a host that is not a valid IPv4 address: 0x1g.1",
            "http://%31%32%37.0.0.1/|has a host that is not a valid IPv4 address: %31%32%37.0.0.1",
            "http://%6Cocalhost/|has a host that is not a valid host name: %6Cocalhost (write internationalized names in their xn-- form)",
            "http://bücher.example/|has a host that is not a valid host name: bücher.example (write internationalized names in their xn-- form)",
            "http://hooks.example.com:0/|has port 0, outside 1-65535",
            "http://hooks.example.com:99999/|has port 99999, outside 1-65535",
            "http://127.1:99999/|has port 99999, outside 1-65535",
            "http://127.1:80a/|has an invalid port: 80a",
            "http://a b/|is not a valid URL (Illegal character in authority at index 7)"})
    void whatCannotBeConnectedToIsRefusedWithTheReason(String written, String reason) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> OutboundUrl.parse(written));

        assertEquals(reason, refused.getMessage());
    }
}
