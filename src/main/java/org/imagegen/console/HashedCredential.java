package org.imagegen.console;

import org.eclipse.jetty.util.security.Credential;

/** Lets Jetty's own login service check a password against a {@link PasswordHash} (it has no PBKDF2 credential). */
final class HashedCredential extends Credential {

    private static final long serialVersionUID = 1L;

    private final transient PasswordHash hash;

    HashedCredential(PasswordHash hash) {
        this.hash = hash;
    }

    @Override
    public boolean check(Object credentials) {
        if (credentials instanceof char[] chars) {
            return hash.matches(chars);
        }
        if (credentials instanceof String text) {
            return hash.matches(text.toCharArray());
        }
        return false;
    }
}
