package org.imagegen.request;

/** What one provider accepts: its enums, lengths and pass-through options. Implemented by each provider adapter. */
public interface ProviderRules {

    String name();

    /** Adds a problem for each field this provider would refuse; {@code problems} names the record. */
    void validate(GenerationRequest request, Problems problems);
}
