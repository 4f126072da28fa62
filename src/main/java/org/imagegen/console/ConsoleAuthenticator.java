package org.imagegen.console;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.security.AuthenticationState;
import org.eclipse.jetty.security.Authenticator;
import org.eclipse.jetty.security.Constraint;
import org.eclipse.jetty.security.ServerAuthException;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.security.authentication.FormAuthenticator;
import org.eclipse.jetty.security.authentication.LoginAuthenticator;
import org.eclipse.jetty.security.authentication.SessionAuthentication;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Session;
import org.eclipse.jetty.util.Callback;

/**
 * The console port's login: a browser's page navigation gets Jetty's form login (a redirect to the login page,
 * then a session cookie); every other request (a script, a Jolokia client, a monitoring agent, the pages' own data
 * requests) is either logged in already by that session or sends the same user and password with HTTP Basic, and
 * otherwise gets 401 with a small JSON body and a Basic challenge (none for the port's own pages' requests, see
 * {@link LoginRequests#isFromOwnPage}), never a redirect to an HTML page. Both check the password through the same
 * login service (the PBKDF2 hash, compared in constant time); a Basic login is not kept in a session.
 */
final class ConsoleAuthenticator extends LoginAuthenticator {

    private static final String LOGIN_REQUIRED = "{\"error\":\"login required: send the console user and password"
            + " with HTTP Basic, or log in at /login.html\"}";
    private static final String WRONG_LOGIN = "{\"error\":\"wrong user or password\"}";

    private final FormAuthenticator form;

    ConsoleAuthenticator(String loginPage, String errorPage) {
        // dispatch=false: an unauthenticated navigation is redirected to the login page rather than shown it in place
        this.form = new FormAuthenticator(loginPage, errorPage, false);
    }

    @Override
    public void setConfiguration(Configuration configuration) {
        super.setConfiguration(configuration);
        form.setConfiguration(configuration);
    }

    @Override
    public String getAuthenticationType() {
        return Authenticator.FORM_AUTH;
    }

    @Override
    public Constraint.Authorization getConstraintAuthentication(String pathInContext, Constraint.Authorization existing,
            Function<Boolean, Session> getSession) {
        return form.getConstraintAuthentication(pathInContext, existing, getSession);
    }

    @Override
    public Request prepareRequest(Request request, AuthenticationState authenticationState) {
        // the form's own step (resuming the request that led to the login page) reads the session a Basic login lacks
        if (authenticationState instanceof AuthenticationState.Succeeded user
                && Authenticator.BASIC_AUTH.equals(user.getAuthenticationType())) {
            return request;
        }
        return form.prepareRequest(request, authenticationState);
    }

    @Override
    public UserIdentity login(String username, Object password, Request request, Response response) {
        return form.login(username, password, request, response);
    }

    @Override
    public void logout(Request request, Response response) {
        form.logout(request, response);
    }

    @Override
    public AuthenticationState validateRequest(Request request, Response response, Callback callback)
            throws ServerAuthException {
        String path = Request.getPathInContext(request);
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (form.isJSecurityCheck(path) || LoginRequests.isPageNavigation(path,
                request.getHeaders().get(HttpHeader.ACCEPT), authorization)) {
            return form.validateRequest(request, response, callback); // the session's login, or the redirect
        }
        AuthenticationState.Succeeded session = sessionLogin(request);
        if (session != null) {
            return session;
        }
        Optional<LoginRequests.Credentials> credentials = LoginRequests.basic(authorization);
        if (credentials.isPresent()) {
            UserIdentity user = super.login(credentials.get().user(), credentials.get().password(), request, response);
            if (user != null) {
                return new UserAuthenticationSucceeded(Authenticator.BASIC_AUTH, user);
            }
        }
        if (response.isCommitted()) {
            return null;
        }
        unauthorized(request, response, callback, credentials.isPresent() ? WRONG_LOGIN : LOGIN_REQUIRED);
        return AuthenticationState.CHALLENGE;
    }

    /** The login the form stored in the session, unless the user has been removed since. */
    private AuthenticationState.Succeeded sessionLogin(Request request) {
        Session session = request.getSession(false);
        Object login = session == null ? null : session.getAttribute(SessionAuthentication.AUTHENTICATED_ATTRIBUTE);
        if (login instanceof AuthenticationState.Succeeded user && _loginService.validate(user.getUserIdentity())) {
            return user;
        }
        return null;
    }

    private void unauthorized(Request request, Response response, Callback callback, String body) {
        response.setStatus(HttpStatus.UNAUTHORIZED_401);
        if (!LoginRequests.isFromOwnPage(request.getHeaders().get("Sec-Fetch-Site"),
                request.getHeaders().get("Sec-Fetch-Mode"))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"" + _loginService.getName() + "\"");
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
