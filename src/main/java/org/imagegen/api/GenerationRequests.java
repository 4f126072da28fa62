package org.imagegen.api;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.imagegen.request.IntakeReport;
import org.imagegen.request.Problem;
import org.imagegen.request.RequestIntake;
import org.imagegen.request.Utf8Text;

/**
 * POST /api/generations: requests go through the same intake as files (parse, validate, one job per key), so the
 * same body sent again is answered with the same jobs.
 */
public class GenerationRequests {

    private final RequestIntake intake;
    private final ObjectMapper json = new ObjectMapper();

    public GenerationRequests(RequestIntake intake) {
        this.intake = intake;
    }

    /**
     * One request or a batch, in the request-file format. An {@code Idempotency-Key} header is the id of a single
     * request that has none. The same body sent again is answered with the same jobs (nothing new is created); the
     * same id with another body is a conflict.
     */
    public ApiReply create(byte[] bytes, String idempotencyKey) {
        // strictly UTF-8, as a request file: a bad byte is reported where it is, not turned into a replacement character
        Utf8Text decoded = bytes == null ? null : Utf8Text.decode(bytes);
        if (decoded != null && decoded.problem() != null) {
            throw ApiProblem.badRequest("no request was accepted", List.of(Problem.ofInput(decoded.problem())));
        }
        String body = decoded == null ? null : decoded.text();
        if (body == null || body.isBlank()) {
            throw ApiProblem.badRequest("the body is empty: send a request object or an array of them",
                    List.of(Problem.ofInput("the input is empty")));
        }
        String content = withIdempotencyKey(body, idempotencyKey);
        // the source names the exact content: a replay is "the same input read again", anything else a duplicate
        String source = "api:" + HexFormat.of().formatHex(Secrets.sha256(content)).substring(0, 16);
        IntakeReport report = intake.accept(source, content);
        if (report.accepted().isEmpty()) {
            boolean onlyDuplicates = !report.problems().isEmpty() && report.problems().stream()
                    .allMatch(p -> "id".equals(p.field()) && p.message().startsWith("duplicate: job"));
            if (onlyDuplicates) {
                throw new ApiProblem(409, "Conflict", "a job with this id already exists, made from another request",
                        report.problems());
            }
            throw ApiProblem.badRequest("no request was accepted", report.problems());
        }
        List<Map<String, Object>> accepted = new ArrayList<>();
        for (String id : report.accepted()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", id);
            entry.put("url", ApiJson.url(id));
            accepted.add(entry);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("records", report.records());
        answer.put("accepted", accepted);
        answer.put("problems", report.problems());
        return new ApiReply(202, ApiReply.JSON, ApiJson.url(report.accepted().get(0)), ApiJson.write(answer));
    }

    private String withIdempotencyKey(String body, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return body;
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            return body; // the intake reports what is wrong with it
        }
        if (node instanceof ObjectNode object) {
            JsonNode id = object.get("id");
            if (id == null || id.isNull()) {
                object.put("id", idempotencyKey.strip());
                return ApiJson.write(object);
            }
            if (!id.asText().equals(idempotencyKey.strip())) {
                throw ApiProblem.badRequest("the request's id and the Idempotency-Key header differ",
                        List.of(new Problem(1, id.asText(), "id", "is '" + id.asText() + "' but the Idempotency-Key "
                                + "header says '" + idempotencyKey.strip() + "'; send one of them, or the same value")));
            }
            return body;
        }
        if (node != null && node.isArray()) {
            throw ApiProblem.badParameter("Idempotency-Key", "names one request; a batch gives each request its own id");
        }
        return body;
    }
}
