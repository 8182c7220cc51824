package dev.gatehouse.explain;

import dev.gatehouse.config.Template;
import dev.gatehouse.routing.RequestPaths;
import io.netty.handler.codec.http.HttpRequest;

import java.util.List;

/**
 * A {@link Template} filled in for a request that is only looked at: the same values the server would put in,
 * except those known only once the request runs (its id, the upstream target), which are shown as placeholders.
 */
final class TemplatePreview {
    private TemplatePreview() {
    }

    static String fill(Template template, boolean secure, String host, String site, String clientIp, HttpRequest head) {
        String uri = head.uri();
        int q = uri.indexOf('?');
        String path = RequestPaths.rawPath(uri);
        String query = q >= 0 ? uri.substring(q + 1) : "";
        StringBuilder out = new StringBuilder();
        for (Template.Part part : template.parts()) {
            if (part instanceof Template.Literal literal) {
                out.append(literal.text());
                continue;
            }
            Template.Placeholder ph = (Template.Placeholder) part;
            switch (ph.field()) {
                case CLIENT_IP -> out.append(clientIp);
                case HOST -> out.append(host);
                case SCHEME -> out.append(secure ? "https" : "http");
                case PATH -> out.append(path);
                case QUERY -> out.append(query);
                case URI -> out.append(uri.startsWith("/") ? uri : path + (q >= 0 ? "?" + query : ""));
                case SITE -> out.append(site);
                case REQUEST_ID, UPSTREAM_TARGET -> out.append('{').append(ph.field().configName()).append('}');
                case HEADER -> {
                    List<String> values = head.headers().getAll(ph.header().orElseThrow());
                    out.append(String.join(", ", values));
                }
            }
        }
        return out.toString();
    }
}
