package dev.promptjuggler.ingest.client;

import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.parsing.UnreadableDocumentException;
import dev.promptjuggler.runtime.http.GuardedHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a URL document's page, once, when the document is taken up: through runtime's {@link GuardedHttp}, the
 * way out webhooks and the http tool use, so the page's host is resolved and every address checked before
 * connecting (loopback, private, link-local with 169.254.169.254, … refused unless {@code ingest.url.allow-networks}
 * covers them); redirects are not followed; {@code ingest.url.timeout} and {@code ingest.url.max-bytes} cap the
 * exchange. Whatever stops the fetch fails the document with the reason, as content that does not parse does.
 */
@ApplicationScoped
public class UrlFetcher {

    /** The type the gateway stores a URL document under: its content is the URL. */
    public static final String URL_DOCUMENT = "text/uri-list";

    /** The page types the parser reads, by the Content-Type the server answers with. */
    private static final Map<String, String> PARSED_TYPES = Map.of(
            "text/html", "text/html",
            "application/xhtml+xml", "text/html",
            "text/plain", "text/plain",
            "text/markdown", "text/markdown",
            "text/csv", "text/csv",
            "text/tab-separated-values", "text/tab-separated-values",
            "application/pdf", "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    private final GuardedHttp http;
    private final IngestConfig.Url config;

    public UrlFetcher(io.vertx.mutiny.core.Vertx vertx, IngestConfig config) {
        this.config = config.url();
        this.http = new GuardedHttp(vertx.getDelegate(), new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis()),
                new AddressPolicy(this.config.allowNetworks().orElse(List.of())));
    }

    /** The page: the parser's type for it and its bytes. */
    public record Page(String mimeType, byte[] content) {
    }

    /** @return the page, or an {@link UnreadableDocumentException} saying why there is none */
    public Uni<Page> fetch(String url) {
        OutboundUrl target;
        try {
            target = OutboundUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new UnreadableDocumentException("not an http(s) URL: " + url));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .set("User-Agent", "promptjuggler-platform/knowledge-ingest")
                .set("Accept", "text/html, text/plain;q=0.9, */*;q=0.5");
        // One byte over the cap tells a page of exactly max-bytes from a larger one.
        var request = new GuardedHttp.Request(HttpMethod.GET, target, headers, null, config.timeout(),
                config.maxBytes() + 1);
        return Uni.createFrom().completionStage(() -> http.send(request).toCompletionStage())
                .onFailure(GuardedHttp.BlockedAddress.class).transform(blocked -> new UnreadableDocumentException(
                        "fetching " + url + " refused: " + (target.address() == null ? target.host() + " resolves to " : "")
                                + ((GuardedHttp.BlockedAddress) blocked).addressRefusal()))
                .onFailure(TimeoutException.class).transform(late -> new UnreadableDocumentException(
                        "fetching " + url + ": no complete answer within " + config.timeout().toMillis() + " ms"))
                .onFailure(failure -> !(failure instanceof UnreadableDocumentException)).transform(failure ->
                        new UnreadableDocumentException("fetching " + url + " failed: " + failure))
                .map(response -> page(url, response));
    }

    private Page page(String url, GuardedHttp.Response response) {
        if (response.status() / 100 != 2) {
            throw new UnreadableDocumentException("fetching " + url + " answered HTTP " + response.status());
        }
        if (response.readFailure() != null) {
            throw new UnreadableDocumentException("fetching " + url + " broke off: " + response.readFailure());
        }
        if (response.body().length() > config.maxBytes()) {
            throw new UnreadableDocumentException("the page at " + url + " is larger than " + config.maxBytes()
                    + " bytes (ingest.url.max-bytes)");
        }
        String contentType = response.headers().get("Content-Type");
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String parsed = PARSED_TYPES.get(type);
        if (parsed == null) {
            throw new UnreadableDocumentException("the page at " + url + " has an unsupported type: "
                    + (type.isEmpty() ? "no Content-Type" : type) + "; readable: HTML, text, Markdown, CSV, TSV, PDF, DOCX");
        }
        return new Page(parsed, response.body().getBytes());
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
