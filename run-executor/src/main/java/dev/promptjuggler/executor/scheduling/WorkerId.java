package dev.promptjuggler.executor.scheduling;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/**
 * This process's name as a lease owner: host, pid and a random part, so a restarted process (same host,
 * maybe the same pid in a container) never mistakes a dead predecessor's leases for its own.
 */
@ApplicationScoped
public class WorkerId {

    private final String value;

    public WorkerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        value = host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String value() {
        return value;
    }

    @Override
    public String toString() {
        return value;
    }
}
