package dev.promptjuggler.contracts.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(List.of());

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
            "169.254.169.254", "169.254.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "198.18.0.1",
            "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
            "::ffff:169.254.169.254", "64:ff9b::a00:1", "2002:a00:1::1"})
    void refusesEverythingThatIsNotPublic(String address) throws Exception {
        assertNotNull(strict.refusal(InetAddress.getByName(address)), address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "11.0.0.1", "2606:4700:4700::1111"})
    void acceptsPublicAddresses(String address) throws Exception {
        assertNull(strict.refusal(InetAddress.getByName(address)), address);
    }

    @Test
    void anIpv4MappedAddressBuiltByteByByteIsStillRefused() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 1;

        assertNotNull(strict.refusal(java.net.Inet6Address.getByAddress(null, mapped, -1)));
        byte[] metadata = mapped.clone();
        metadata[12] = (byte) 169;
        metadata[13] = (byte) 254;
        metadata[14] = (byte) 169;
        metadata[15] = (byte) 254;
        assertNotNull(strict.refusal(java.net.Inet6Address.getByAddress(null, metadata, -1)));
    }

    @Test
    void theAllowListOpensOnlyItsRanges() throws Exception {
        AddressPolicy local = new AddressPolicy(List.of("127.0.0.0/8", " ::1/128 "));

        assertNull(local.refusal(InetAddress.getByName("127.0.0.1")));
        assertNull(local.refusal(InetAddress.getByName("::1")));
        assertNotNull(local.refusal(InetAddress.getByName("10.0.0.1")));
        assertNotNull(local.refusal(InetAddress.getByName("169.254.169.254")));
    }

    /** Every way a URL can spell a refused address, each as the dispatcher and the registration check read it. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.1:8080/hook", "http://0x7f000001/", "http://017700000001/", "http://2130706433/",
            "http://0x7f.1/", "http://0177.0.0.1/", "http://127.0.0.1./", "http://0/", "http://10.1/",
            "http://0xa9.0xfe.0xa9.0xfe/latest/meta-data", "http://0251.0376.0251.0376/", "http://2852039166/",
            "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:0:0:1]:443/",
            "http://[::]/", "http://[fe80::1]/", "http://[fd00::1]/", "http://[ff02::1]/", "https://0.0.0.0/",
            "http://user:secret@127.1/"})
    void refusesNumericAndShortFormsOfAddressesThatAreNotPublic(String written) {
        OutboundUrl url = OutboundUrl.parse(written);

        assertNotNull(url.address(), written + " is an address literal, not a name to look up");
        String refusal = strict.refusal(url, List.of(url.address()));
        assertNotNull(refusal, written);
        assertTrue(refusal.endsWith(" is not a public address"), refusal);
    }

    @Test
    void aShortFormNamesTheAddressItMeans() {
        OutboundUrl url = OutboundUrl.parse("http://127.1:8080/hook?x=1");

        assertEquals("127.0.0.1", url.host());
        assertEquals(8080, url.port());
        assertEquals("/hook?x=1", url.pathAndQuery());
        assertEquals("127.1 resolves to 127.0.0.1 is not a public address", strict.refusal(url, List.of(url.address())));
        assertEquals("10.0.0.1 is not a public address",
                strict.refusal(OutboundUrl.parse("http://10.0.0.1/"), List.of(OutboundUrl.parse("http://10.0.0.1/").address())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.1:8080/hook", "http://0x7f000001/", "http://017700000001/", "http://2130706433/",
            "http://[::1]/", "http://[::ffff:127.0.0.1]/"})
    void theAllowListOpensNumericFormsOfItsRangesToo(String written) {
        AddressPolicy local = new AddressPolicy(List.of("127.0.0.0/8", "::1/128"));
        OutboundUrl url = OutboundUrl.parse(written);

        assertNull(local.refusal(url, List.of(url.address())), written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://134744072/", "http://0x8.0x8.0x8.0x8/", "http://8.8.8.8/", "http://[2606:4700:4700::1111]/"})
    void numericFormsOfPublicAddressesAreAccepted(String written) {
        OutboundUrl url = OutboundUrl.parse(written);

        assertNull(strict.refusal(url, List.of(url.address())), written);
    }

    @Test
    void aNameIsRefusedByWhatItResolvesTo() throws Exception {
        OutboundUrl url = OutboundUrl.parse("https://hooks.example.com/a");

        assertNull(url.address());
        assertEquals("hooks.example.com resolves to 10.1.2.3 is not a public address",
                strict.refusal(url, List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3"))));
        assertNull(strict.refusal(url, List.of(InetAddress.getByName("93.184.216.34"))));
    }

    @Test
    void aMalformedRangeIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("localhost")));
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("10.0.0.0/33")));
    }
}
