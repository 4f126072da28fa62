package org.imagegen.provider.definition;

import org.imagegen.provider.ProviderCall;
import org.imagegen.provider.StatusResult;

/**
 * A defined provider's status answer, read: either the normalised {@code result}, or, when the outcome's state was
 * {@code fetch}, the call that gets the result ({@code fetch}), whose answer resultOutcome reads.
 */
public record StatusCheck(StatusResult result, ProviderCall fetch) {

    static StatusCheck of(StatusResult result) {
        return new StatusCheck(result, null);
    }

    static StatusCheck fetching(ProviderCall call) {
        return new StatusCheck(null, call);
    }
}
