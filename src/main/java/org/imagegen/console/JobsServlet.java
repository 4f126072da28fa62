package org.imagegen.console;

import java.io.IOException;
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
 * The jobs page's data, under /api/jobs on the console port (behind its login):
 * {@code GET /api/jobs?state=FAILED&limit=50} lists recent jobs newest first with the counts per state and the
 * budgets' use, and
 * {@code GET /api/jobs/<id>/thumbnails/<n>} answers a small JPEG of delivered image n.
 */
public class JobsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Pattern THUMBNAIL = Pattern.compile("/([^/]+)/thumbnails/(\\d{1,3})");
    private static final int DEFAULT_LIMIT = 50;
    private static final int THUMBNAIL_SIZE = 160;

    private final transient JobsView view;
    private final transient ObjectMapper json;

    public JobsServlet(JobsView view, ObjectMapper json) {
        this.view = view;
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
        error(response, HttpServletResponse.SC_NOT_FOUND, "no such resource: " + path);
    }

    private void list(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int limit = DEFAULT_LIMIT;
        String limitText = request.getParameter("limit");
        if (limitText != null && !limitText.isBlank()) {
            try {
                limit = Integer.parseInt(limitText.strip());
            } catch (NumberFormatException e) {
                error(response, HttpServletResponse.SC_BAD_REQUEST, "limit: '" + limitText + "' is not a number");
                return;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            body.put("jobs", view.recent(request.getParameter("state"), limit));
        } catch (IllegalArgumentException e) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        body.put("counts", view.counts());
        long now = System.currentTimeMillis();
        body.put("budgets", view.budgets(now));
        body.put("at", now);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), body);
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

    private void error(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        json.writeValue(response.getOutputStream(), Map.of("error", message));
    }
}
