package dev.gatehouse.cache.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One request of a conformance case: what the client sends, what the scripted origin answers if the request reaches
 * it, and what the client and the origin must see. Built fluently; every setter returns this step.
 *
 * <p>Header values given as a number of seconds ({@link #respDate}, {@link #reqDate}) are dates relative to the
 * moment they are sent. Response headers are "checked" by default: when the origin's answer reaches the client, the
 * client must see them as sent (joined with ", " when repeated); {@link #respRaw} adds one that is not checked.
 */
final class Step {
    /** Where the response is expected to come from. */
    enum Type { CACHED, NOT_CACHED, ETAG_VALIDATED, LM_VALIDATED }

    /** A response header as scripted: a literal value, or a date {@code offset} seconds from the response time. */
    record Header(String name, String value, Long offset, boolean checked) {
    }

    /** A response header expectation: exact value ({@code op} "=="), another header's value ("="), or "> n". */
    record Expected(String name, String op, Object value) {
    }

    /** A request header the origin must (or must not) have received; a null value only asks for presence. */
    record RequestField(String name, String value) {
    }

    String method = "GET";
    final List<String[]> requestHeaders = new ArrayList<>();
    final List<Object[]> requestDates = new ArrayList<>();
    String query;
    String filename;
    String requestBody;
    int status = 200;
    String reason = "OK";
    boolean statusScripted;
    final List<Header> responseHeaders = new ArrayList<>();
    /** The body the origin sends; null means the case's token. */
    String responseBody;
    boolean noBodyScripted;
    final List<Object[]> interim = new ArrayList<>();
    boolean pause;
    boolean disconnect;
    long responseDelayMillis;
    boolean magicLocations;
    Long magicIms;

    boolean setup;
    final Set<String> setupChecks = new java.util.HashSet<>();
    Type type;
    Integer expectedStatus;
    boolean anyStatus;
    final List<Expected> expectedHeaders = new ArrayList<>();
    final List<String> missingHeaders = new ArrayList<>();
    final List<RequestField> expectedRequestHeaders = new ArrayList<>();
    final List<RequestField> missingRequestHeaders = new ArrayList<>();
    String expectedText;
    boolean checkBody = true;
    String expectedMethod;
    List<Integer> expectedInterim;

    static Step req() {
        return new Step();
    }

    // ---- the request

    Step method(String m) {
        this.method = m;
        return this;
    }

    Step body(String b) {
        this.requestBody = b;
        return this;
    }

    Step reqHeader(String name, String value) {
        requestHeaders.add(new String[] {name, value});
        return this;
    }

    /** A request date header {@code offset} seconds from when the request is sent. */
    Step reqDate(String name, long offset) {
        requestDates.add(new Object[] {name, offset});
        return this;
    }

    Step query(String q) {
        this.query = q;
        return this;
    }

    Step file(String f) {
        this.filename = f;
        return this;
    }

    /** If-Modified-Since set to the previous response's Last-Modified plus {@code delta} seconds. */
    Step magicIms(long delta) {
        this.magicIms = delta;
        return this;
    }

    // ---- the origin's answer

    Step status(int code, String phrase) {
        this.status = code;
        this.reason = phrase;
        this.statusScripted = true;
        return this;
    }

    Step resp(String name, String value) {
        responseHeaders.add(new Header(name, value, null, true));
        return this;
    }

    /** A header the client is not checked for (the cache may legitimately change or drop it). */
    Step respRaw(String name, String value) {
        responseHeaders.add(new Header(name, value, null, false));
        return this;
    }

    Step respDate(String name, long offset) {
        responseHeaders.add(new Header(name, null, offset, true));
        return this;
    }

    Step respBody(String b) {
        this.responseBody = b;
        return this;
    }

    /** The response has no body to check (a 204). */
    Step noBody() {
        this.noBodyScripted = true;
        return this;
    }

    /** Interim responses the origin sends before the final one: a status and name/value pairs. */
    Step interim(int code, String... nameValues) {
        interim.add(new Object[] {code, nameValues});
        return this;
    }

    /** The origin closes the connection instead of answering. */
    Step disconnect() {
        this.disconnect = true;
        return this;
    }

    Step delay(long millis) {
        this.responseDelayMillis = millis;
        return this;
    }

    /** Location and Content-Location are sent as paths below the case's URL. */
    Step magicLocations() {
        this.magicLocations = true;
        return this;
    }

    /** Three seconds pass after this request. */
    Step pause() {
        this.pause = true;
        return this;
    }

    // ---- what must be seen

    /** Every check of this step only sets the case up: failing one is a setup failure, not a failure. */
    Step setup() {
        this.setup = true;
        return this;
    }

    /** These checks ("type", "status", "headers", "text", "request-headers") only set the case up. */
    Step setupChecks(String... names) {
        setupChecks.addAll(List.of(names));
        return this;
    }

    Step expect(Type t) {
        this.type = t;
        return this;
    }

    Step expectStatus(int s) {
        this.expectedStatus = s;
        return this;
    }

    /** Whatever status comes back (an origin that went away: the cache's own error). */
    Step anyStatus() {
        this.anyStatus = true;
        return this;
    }

    Step expectHeader(String name, String value) {
        expectedHeaders.add(new Expected(name, "==", value));
        return this;
    }

    Step expectDate(String name, long offset) {
        expectedHeaders.add(new Expected(name, "date", offset));
        return this;
    }

    Step expectPresent(String name) {
        expectedHeaders.add(new Expected(name, "present", null));
        return this;
    }

    Step expectGreater(String name, long than) {
        expectedHeaders.add(new Expected(name, ">", than));
        return this;
    }

    Step expectMissing(String name) {
        missingHeaders.add(name);
        return this;
    }

    /** The header is absent, or has a value that does not contain {@code value}. */
    Step expectNotValue(String name, String value) {
        expectedHeaders.add(new Expected(name, "not", value));
        return this;
    }

    Step expectRequestHeader(String name, String value) {
        expectedRequestHeaders.add(new RequestField(name, value));
        return this;
    }

    Step expectRequestHeaderMissing(String name) {
        missingRequestHeaders.add(new RequestField(name, null));
        return this;
    }

    Step expectText(String text) {
        this.expectedText = text;
        return this;
    }

    Step noBodyCheck() {
        this.checkBody = false;
        return this;
    }

    Step expectMethod(String m) {
        this.expectedMethod = m;
        return this;
    }

    Step expectInterim(Integer... codes) {
        this.expectedInterim = List.of(codes);
        return this;
    }

    boolean isSetup(String check) {
        return setup || setupChecks.contains(check);
    }
}
