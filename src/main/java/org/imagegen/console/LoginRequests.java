package org.imagegen.console;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * How the console port tells a browser's page navigation (answered with a redirect to the login form) from a
 * script's request (answered 401 with an HTTP Basic challenge), and how it reads HTTP Basic credentials.
 */
final class LoginRequests {

    private LoginRequests() {
    }

    /** A user and password sent with HTTP Basic. */
    record Credentials(String user, String password) {

        @Override
        public String toString() {
            return "Credentials[user=" + user + "]"; // never the password, should this reach a log
        }
    }

    /**
     * A page a browser navigates to: no Authorization header, not a JSON path, and an Accept header that prefers
     * HTML. Browsers send {@code text/html,...,*}{@code /*;q=0.8} for a navigation; scripts send {@code *}{@code /*},
     * {@code application/json} or nothing.
     */
    static boolean isPageNavigation(String path, String accept, String authorization) {
        return authorization == null && !isDataPath(path) && prefersHtml(accept);
    }

    /**
     * A request made by a script of one of the port's own pages (the jobs page, Hawtio) in a browser: the browser marks
     * it {@code Sec-Fetch-Site: same-origin} and not a navigation. Its 401 carries no Basic challenge, which would
     * make the browser ask for a password in a dialog of its own and then keep sending it, so that logging out no
     * longer ended the login; the page sends the user to the login form instead.
     */
    static boolean isFromOwnPage(String secFetchSite, String secFetchMode) {
        return "same-origin".equalsIgnoreCase(secFetchSite) && !"navigate".equalsIgnoreCase(secFetchMode);
    }

    /** The JSON endpoints: the jobs data and Hawtio's Jolokia. */
    static boolean isDataPath(String path) {
        return under(path, "/api") || under(path, "/hawtio/jolokia");
    }

    private static boolean under(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** Whether text/html (or XHTML) is named in the Accept header with the highest quality it gives any type. */
    static boolean prefersHtml(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        double best = 0;
        double html = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double quality = quality(parts);
            best = Math.max(best, quality);
            if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
                html = Math.max(html, quality);
            }
        }
        return html > 0 && html >= best;
    }

    private static double quality(String[] parameters) {
        for (int i = 1; i < parameters.length; i++) {
            String parameter = parameters[i].strip();
            if (parameter.length() > 2 && parameter.substring(0, 2).equalsIgnoreCase("q=")) {
                try {
                    return Double.parseDouble(parameter.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    /**
     * The credentials of an {@code Authorization: Basic ...} header; empty for another scheme or a malformed value.
     * The user and password are read as UTF-8, or as ISO-8859-1 (what some clients send) when they are not UTF-8.
     */
    static Optional<Credentials> basic(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space <= 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return Optional.empty();
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(value.substring(space + 1).strip());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String text = text(decoded);
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Credentials(text.substring(0, colon), text.substring(colon + 1)));
    }

    private static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }
}
