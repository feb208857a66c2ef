package dev.promptjuggler.contracts.net;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    @Test
    void aMalformedRangeIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("localhost")));
        assertThrows(IllegalArgumentException.class, () -> new AddressPolicy(List.of("10.0.0.0/33")));
    }
}
