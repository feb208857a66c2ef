package dev.promptjuggler.contracts;

/**
 * The envelope every record carries, as CloudEvents attributes in Kafka headers (binary mode:
 * {@code ce_id}, {@code ce_type}, {@code ce_source}, {@code ce_time}, {@code ce_subject}, plus the
 * extensions below). The record value is the event's JSON payload, the record key the aggregate that
 * needs ordering.
 */
public final class Envelope {

    /** Extension attribute: the tenant the event belongs to. */
    public static final String TENANT = "pjtenant";
    /** Extension attribute: the payload's schema version (an integer, bumped on breaking changes). */
    public static final String SCHEMA_VERSION = "pjschemaversion";

    private Envelope() {
    }

    /** The CloudEvents {@code source} of events published by a service. */
    public static java.net.URI source(String service) {
        return java.net.URI.create("urn:promptjuggler:" + service);
    }
}
