package org.imagegen.console;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.imagegen.api.ApiProblem;
import org.imagegen.api.ApiReply;
import org.imagegen.api.GenerationActions;

/**
 * The jobs page's retry and cancel: the HTTP API's own actions (the same state rules, the same 404 and 409 answers;
 * a cancel runs the same route, which also deletes the generation at the provider), with the history naming the jobs
 * page as where they were asked for.
 */
public record ConsoleActions(GenerationActions actions, ProducerTemplate template) {

    static final String RETRY_ORIGIN = "retry requested from the jobs page";
    static final String CANCEL_ORIGIN = "cancelled from the jobs page";
    /** The route both the API's cancel and this one run (routes/api.camel.yaml). */
    private static final String CANCEL_ROUTE = "direct:cancel-generation";

    /** An answer: its HTTP status and the JSON body (the job's view, or {@code {"error": ...}}). */
    public record Outcome(int status, Object body) {
    }

    public Outcome retry(String id) {
        try {
            return ok(actions.retry(id, RETRY_ORIGIN));
        } catch (ApiProblem refused) {
            return refused(refused);
        }
    }

    public Outcome cancel(String id) {
        Exchange done = template.send(CANCEL_ROUTE, ExchangePattern.InOut, exchange -> {
            exchange.getIn().setHeader("id", id);
            exchange.setProperty("cancelOrigin", CANCEL_ORIGIN);
        });
        // the refusal arrives wrapped in the bean call's exception
        ApiProblem refused = done.getException(ApiProblem.class);
        if (refused != null) {
            return refused(refused);
        }
        if (done.getException() != null) {
            throw new IllegalStateException("cannot cancel job " + id, done.getException());
        }
        return ok(done.getMessage().getBody(ApiReply.class));
    }

    private static Outcome ok(ApiReply reply) {
        return new Outcome(reply.status(), reply.body());
    }

    private static Outcome refused(ApiProblem problem) {
        return new Outcome(problem.status(), Map.of("error", problem.getMessage()));
    }
}
