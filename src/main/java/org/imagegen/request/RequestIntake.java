package org.imagegen.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.imagegen.job.Job;
import org.imagegen.job.JobStore;
import org.imagegen.job.Submission;
import org.imagegen.job.ReplyAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept stage: parse, validate, and record each request as a job. A record is accepted only once its job row
 * is committed, so the input may be acknowledged (file moved, message acked) right after this returns. A bad record
 * is rejected alone; a duplicate key is reported and never becomes a second job.
 */
public class RequestIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RequestIntake.class);

    /** Parsing takes no settings: every intake reads the same formats. */
    private final RequestParser parser = new RequestParser();
    private final RequestValidator validator;
    private final Submission submission;
    private final JobStore store;

    public RequestIntake(RequestValidator validator, Submission submission, JobStore store) {
        this.validator = validator;
        this.submission = submission;
        this.store = store;
    }

    /**
     * A file or message over the size limit is rejected unread, so a huge drop cannot exhaust memory; {@code setting}
     * names the setting that holds the limit, for the reason.
     */
    public IntakeReport tooLarge(String source, long bytes, long limit, String setting) {
        String why = "the input is " + bytes + " bytes; at most " + limit + " are read (" + setting + ")";
        LOG.warn("rejected {}: {}", source, why);
        return new IntakeReport(source, 0, List.of(), List.of(Problem.ofInput(why)));
    }

    /**
     * An input as bytes (a file): decoded as UTF-8 strictly, so a byte that is not UTF-8 is reported where it is
     * instead of being turned into a replacement character inside a prompt.
     */
    public IntakeReport acceptBytes(String source, byte[] content) {
        return acceptBytes(source, content, null);
    }

    /** As {@link #acceptBytes(String, byte[])}, for a queued message that names where its results go. */
    public IntakeReport acceptBytes(String source, byte[] content, ReplyAddress replyTo) {
        Utf8Text decoded = Utf8Text.decode(content == null ? new byte[0] : content);
        if (decoded.problem() != null) {
            LOG.warn("rejected {}: {}", source, decoded.problem());
            return new IntakeReport(source, 0, List.of(), List.of(Problem.ofInput(decoded.problem())));
        }
        return accept(source, decoded.text(), replyTo);
    }

    /**
     * A queued message's body as the broker gave it: a bytes message (byte[]) is checked as UTF-8 like a file, a text
     * message is already text. One over {@code maxBytes} is rejected unparsed: the client has it in memory already,
     * but a single message cannot turn into an unbounded number of jobs. {@code limitKey} names the setting that holds
     * the limit, for the rejection's reason.
     */
    public IntakeReport acceptMessage(String source, Object body, ReplyAddress replyTo, long maxBytes, String limitKey) {
        long size = body instanceof byte[] b ? b.length
                : body == null ? 0 : body.toString().getBytes(StandardCharsets.UTF_8).length;
        if (size > maxBytes) {
            return tooLarge(source, size, maxBytes, limitKey);
        }
        if (body instanceof byte[] bytes) {
            return acceptBytes(source, bytes, replyTo);
        }
        return accept(source, body == null ? null : body.toString(), replyTo);
    }

    public IntakeReport accept(String source, String content) {
        return accept(source, content, null);
    }

    /**
     * As {@link #accept(String, String)}, for a queued message that names where its final results go
     * ({@code replyTo}, null for none): the address is stored with each new job in the same transaction.
     */
    public IntakeReport accept(String source, String content, ReplyAddress replyTo) {
        ParsedInput input = parser.parse(source, content);
        if (input.inputError() != null) {
            LOG.warn("rejected {}: {}", source, input.inputError());
            return new IntakeReport(source, 0, List.of(), List.of(Problem.ofInput(input.inputError())));
        }
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> recordOfKey = new LinkedHashMap<>();
        List<Job> jobs = new ArrayList<>();
        for (RawRecord raw : input.records()) {
            RequestValidator.Validated validated = validator.validate(raw);
            if (!validated.isAccepted()) {
                problems.addAll(validated.problems());
                continue;
            }
            GenerationRequest request = validated.request();
            Integer earlier = recordOfKey.putIfAbsent(request.key(), raw.number());
            if (earlier != null) {
                problems.add(new Problem(raw.number(), request.key(), "id", "duplicate of record " + earlier
                        + " in the same input; it is not submitted twice"));
                continue;
            }
            Job job = submission.newJob(request, source);
            job.setReplyTo(replyTo);
            jobs.add(job);
        }
        List<String> accepted = new ArrayList<>();
        Map<String, Job> existing = jobs.isEmpty() ? Map.of() : store.insertAllIfAbsent(jobs, jobs.get(0).getAcceptedAt());
        for (Job job : jobs) {
            Job found = existing.get(job.getKey());
            if (found == null || source.equals(found.getSource())) {
                // new, or the same input read again (the bundle stopped before it could move the file or ack the
                // message): this record was accepted then, and still is
                accepted.add(job.getKey());
            } else {
                problems.add(new Problem(recordOfKey.get(job.getKey()), job.getKey(), "id", "duplicate: job "
                        + job.getKey() + " already exists (" + found.getState() + "); it is not submitted again"));
            }
        }
        problems.sort(Comparator.comparingInt(Problem::record));
        IntakeReport report = new IntakeReport(source, input.records().size(), accepted, problems);
        if (report.hasProblems()) {
            LOG.warn("{}: accepted {} of {} requests; {}", source, accepted.size(), report.records(), problems);
        } else {
            LOG.info("{}: accepted {} requests", source, accepted.size());
        }
        return report;
    }
}
