package org.imagegen.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The jobs page's data and actions, under /api/jobs on the console port (behind its login):
 * {@code GET /api/jobs?state=FAILED&provider=..&route=..&from=..&to=..&id=..&limit=50} lists the jobs the filters find
 * newest first, with the counts per state, the budgets' use and the spend; {@code GET /api/jobs/<id>} is one job's
 * detail; {@code GET /api/jobs/<id>/thumbnails/<n>} a small JPEG of image n; {@code POST /api/jobs/<id>/retry} and
 * {@code POST /api/jobs/<id>/cancel} the operator's actions, which must carry the header {@value #CSRF_HEADER}.
 */
public class JobsServlet extends HttpServlet {

    /**
     * The header every POST must carry (any value). The login is a cookie a browser sends along with any site's
     * request; a page of another site cannot add a custom header to one without the server's consent (CORS), and
     * this server gives none. An Origin naming another site is refused as well.
     */
    public static final String CSRF_HEADER = "X-Imagegen-Console";

    private static final long serialVersionUID = 1L;
    private static final Pattern THUMBNAIL = Pattern.compile("/([^/]+)/thumbnails/(\\d{1,3})");
    private static final Pattern JOB = Pattern.compile("/([^/]+)");
    private static final Pattern ACTION = Pattern.compile("/([^/]+)/(retry|cancel)");
    private static final int THUMBNAIL_SIZE = 160;

    private final transient JobsView view;
    private final transient JobFilters filters;
    private final transient ConsoleActions actions;
    private final transient ObjectMapper json;

    public JobsServlet(JobsView view, JobFilters filters, ConsoleActions actions, ObjectMapper json) {
        this.view = view;
        this.filters = filters;
        this.actions = actions;
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        response.setHeader("Cache-Control", "no-store");
        if (path.equals("/")) {
            list(request, response);
            return;
        }
        Matcher thumbnail = THUMBNAIL.matcher(path);
        if (thumbnail.matches()) {
            thumbnail(thumbnail.group(1), Integer.parseInt(thumbnail.group(2)), response);
            return;
        }
        Matcher job = JOB.matcher(path);
        if (job.matches()) {
            Optional<Map<String, Object>> detail = view.detail(job.group(1));
            if (detail.isEmpty()) {
                error(response, HttpServletResponse.SC_NOT_FOUND, "no job with id '" + job.group(1) + "'");
            } else {
                write(response, HttpServletResponse.SC_OK, detail.get());
            }
            return;
        }
        error(response, HttpServletResponse.SC_NOT_FOUND, "no such resource: " + path);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        response.setHeader("Cache-Control", "no-store");
        Matcher action = ACTION.matcher(path);
        if (!action.matches()) {
            error(response, HttpServletResponse.SC_NOT_FOUND, "no such action: " + path);
            return;
        }
        String refusal = crossSite(request);
        if (refusal != null) {
            error(response, HttpServletResponse.SC_FORBIDDEN, refusal);
            return;
        }
        String id = action.group(1);
        ConsoleActions.Outcome outcome = action.group(2).equals("retry") ? actions.retry(id) : actions.cancel(id);
        write(response, outcome.status(), outcome.body());
    }

    /** Why a POST may come from another site's page (null: it does not). */
    static String crossSite(HttpServletRequest request) {
        if (request.getHeader(CSRF_HEADER) == null) {
            return CSRF_HEADER + ": header missing; the jobs page sets it on its actions";
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            String own = request.getScheme() + "://" + request.getHeader("Host");
            if (!origin.equalsIgnoreCase(own)) {
                return "Origin: '" + origin + "' is not this console (" + own + ")";
            }
        }
        return null;
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        JobFilters.Query query;
        try {
            query = filters.parse(request::getParameter);
        } catch (IllegalArgumentException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jobs", view.list(query));
        body.put("counts", view.counts());
        long now = System.currentTimeMillis();
        body.put("budgets", view.budgets(now));
        body.put("spend", view.spend());
        body.put("providers", filters.providers());
        body.put("routes", filters.routes());
        body.put("at", now);
        write(response, HttpServletResponse.SC_OK, body);
    }

    private void thumbnail(String id, int number, HttpServletResponse response) throws IOException {
        Optional<Path> image = view.image(id, number);
        if (image.isEmpty()) {
            error(response, HttpServletResponse.SC_NOT_FOUND, "job '" + id + "' has no delivered image " + number);
            return;
        }
        String type = Optional.ofNullable(Files.probeContentType(image.get())).orElse("application/octet-stream");
        Thumbnails.Thumbnail thumb = Thumbnails.of(image.get(), THUMBNAIL_SIZE, type);
        response.setContentType(thumb.contentType());
        response.setContentLength(thumb.bytes().length);
        response.getOutputStream().write(thumb.bytes());
    }

    /** A JSON answer; a body that is already JSON text (the API's views) is sent as it is. */
    private void write(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        if (body instanceof String text) {
            response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        } else if (body instanceof byte[] bytes) {
            response.getOutputStream().write(bytes);
        } else {
            json.writeValue(response.getOutputStream(), body);
        }
    }

    private void error(HttpServletResponse response, int status, String message) throws IOException {
        write(response, status, Map.of("error", message));
    }
}
