package org.imagegen.provider.definition;

import org.imagegen.job.Job;
import org.imagegen.provider.FindResult;
import org.imagegen.provider.HttpReply;
import org.imagegen.support.TestJobs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Find by list as the engine reads it, whatever the provider: the call, what a page gives, what stops the start. */
class FindByListTest {

    private static ProviderDefinition listing() {
        ProviderDefinition d = DefinedProvidersTest.minimal();
        d.setFindListPath("/generations?limit=${pageSize}");
        d.setFindListPageSize("20");
        // the page shows each generation's prompt: only those with ours can be the job's
        d.setFindListItems("[.items[] | select(.prompt == $request.prompt) | {id, createdAt: .created}]");
        return d;
    }

    private static Job job() {
        return TestJobs.of(TestJobs.request("k1", "acme", "a kite"));
    }

    @Test
    void thePageIsAskedWithItsSizeAndReadWithOurRequestAtHand() {
        DefinedProvider acme = new DefinedProvider("acme", listing());

        assertThat(acme.findCall(job()).url()).isEqualTo("https://api.example.com/generations?limit=20");
        FindResult listed = acme.readFind(job(), new HttpReply(200, """
                {"items": [{"id": "g3", "prompt": "a kite", "created": "2026-11-30T08:00:02Z"},
                           {"id": "g2", "prompt": "a boat", "created": "2026-11-30T08:00:01Z"},
                           {"id": "g1", "prompt": "a kite", "created": 1796025600}]}""", null, null));

        assertThat(listed.kind()).isEqualTo(FindResult.Kind.LISTED);
        assertThat(listed.listed()).containsExactly(new FindResult.Listed("g3", 1_796_025_602_000L),
                new FindResult.Listed("g1", 1_796_025_600_000L));
        assertThat(listed.complete()).as("no findListComplete: never known to be the whole list").isFalse();
        assertThat(acme.readFind(job(), new HttpReply(200, "{\"items\": \"none\"}", null, null)).kind())
                .isEqualTo(FindResult.Kind.UNKNOWN);
        assertThat(acme.readFind(job(), new HttpReply(200, "{\"items\": [{\"id\": \"g4\", \"prompt\": \"a kite\","
                + " \"created\": \"yesterday\"}]}", null, null)).reason()).contains("creation time");
        assertThat(acme.readFind(job(), new HttpReply(429, "", null, null)).kind()).isEqualTo(FindResult.Kind.RETRY_LATER);
    }

    @Test
    void turnedOffTheListIsNeverAskedButStillChecked() {
        ProviderDefinition off = listing();
        off.setFindList("false");
        assertThat(new DefinedProvider("acme", off).findCall(job())).isNull();

        off.setFindListItems("[.items[");
        assertThatThrownBy(() -> new DefinedProvider("acme", off)).hasMessageContaining("findListItems");
        off.setFindListItems(".items");
        off.setFindList("maybe");
        assertThatThrownBy(() -> new DefinedProvider("acme", off)).hasMessageContaining("findList: 'maybe'");
    }

    @Test
    void aBrokenListDeclarationStopsTheStartNamingTheProperty() {
        ProviderDefinition both = listing();
        both.setFindPath("/search?tag=${key}");
        both.setFindId(".id");
        assertThatThrownBy(() -> new DefinedProvider("acme", both)).hasMessageContaining("findPath and findListPath");

        ProviderDefinition noSize = listing();
        noSize.setFindListPageSize(null);
        assertThatThrownBy(() -> new DefinedProvider("acme", noSize)).hasMessageContaining("findListPageSize: required");

        ProviderDefinition unsized = listing();
        unsized.setFindListPath("/generations");
        assertThatThrownBy(() -> new DefinedProvider("acme", unsized)).hasMessageContaining("${pageSize}");

        ProviderDefinition tooLarge = listing();
        tooLarge.setFindListPageSizeMax("10");
        assertThatThrownBy(() -> new DefinedProvider("acme", tooLarge))
                .hasMessageContaining("provider definition 'acme': findListPageSize: 20").hasMessageContaining("1 to 10");

        ProviderDefinition orphan = new ProviderDefinition();
        orphan.setBaseUrl("https://api.example.com");
        orphan.setCreatePath("/generate");
        orphan.setCreateBody("{}");
        orphan.setCreateId(".id");
        orphan.setStatusPath("/g/${id}");
        orphan.setStatusOutcome("{state: .state}");
        orphan.setFindListItems(".items");
        assertThatThrownBy(() -> new DefinedProvider("acme", orphan)).hasMessageContaining("findListPath: required");
    }
}
