package org.imagegen.request;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestParserTest {

    private final RequestParser parser = new RequestParser();

    @Test
    void readsASingleObject() {
        ParsedInput input = parser.parse("one.json", "{\"prompt\": \"a\"}");
        assertThat(input.inputError()).isNull();
        assertThat(input.records()).singleElement().satisfies(r -> assertThat(r.node().path("prompt").asText()).isEqualTo("a"));
    }

    @Test
    void readsAnArrayAndNumbersItsRecords() {
        ParsedInput input = parser.parse("many.json", "[{\"prompt\": \"a\"}, {\"prompt\": \"b\"}]");
        assertThat(input.records()).extracting(RawRecord::number).containsExactly(1, 2);
    }

    @Test
    void readsJsonLinesAndReportsAnUnreadableLineAlone() {
        ParsedInput input = parser.parse("lines.jsonl", "{\"prompt\": \"a\"}\n{\"prompt\": \n\n{\"prompt\": \"c\"}\n");
        assertThat(input.records()).hasSize(3);
        assertThat(input.records().get(1).parseError()).startsWith("invalid JSON");
        assertThat(input.records().get(2).node().path("prompt").asText()).isEqualTo("c");
    }

    @Test
    void recognisesJsonLinesWithoutTheExtension() {
        ParsedInput input = parser.parse("drop.txt", "{\"prompt\": \"a\"}\n{\"prompt\": \"b\"}");
        assertThat(input.records()).hasSize(2);
    }

    @Test
    void readsCsvWithNestedColumnsSinksAndNumbers() {
        ParsedInput input = parser.parse("sheet.csv", """
                id,prompt,count,options.quality,metadata.owner,sinks
                r1,"a, b",2,Plus,ann,outbox;archive
                """);
        var node = input.records().get(0).node();
        assertThat(node.path("prompt").asText()).isEqualTo("a, b");
        assertThat(node.path("count").isIntegralNumber()).isTrue();
        assertThat(node.path("options").path("quality").asText()).isEqualTo("Plus");
        assertThat(node.path("metadata").path("owner").asText()).isEqualTo("ann");
        assertThat(node.path("sinks")).hasSize(2);
    }

    @Test
    void readsAModelColumnAsTheRequestsModel() {
        ParsedInput input = parser.parse("models.csv", "id,prompt,model\nr1,a cat,pix-2\nr2,a dog,\n");
        assertThat(input.records().get(0).node().path("model").asText()).isEqualTo("pix-2");
        assertThat(input.records().get(1).node().has("model")).as("an empty cell is no model").isFalse();
    }

    @Test
    void reportsARaggedCsvRowAlone() {
        ParsedInput input = parser.parse("ragged.csv", "id,prompt\nr1,a\nr2,b,extra\nr3,c\n");
        assertThat(input.records()).hasSize(3);
        assertThat(input.records().get(1).parseError()).contains("3 fields").contains("header has 2");
        assertThat(input.records().get(2).parseError()).isNull();
    }

    @Test
    void stripsAByteOrderMark() {
        ParsedInput input = parser.parse("bom.json", "\uFEFF{\"prompt\": \"a\"}");
        assertThat(input.inputError()).isNull();
        assertThat(input.records()).hasSize(1);
    }

    @Test
    void rejectsEmptyAndNonJsonInputAsAWhole() {
        assertThat(parser.parse("empty.json", "  \n").inputError()).contains("empty");
        assertThat(parser.parse("x.json", "hello").inputError()).contains("not JSON");
        assertThat(parser.parse("x.txt", "hello").inputError()).contains("CSV");
        assertThat(parser.parse("x.json", "[]").inputError()).contains("no request");
    }

    @Test
    void rejectsDeeplyNestedJsonWithAClearMessage() {
        String deep = "{\"prompt\": \"a\", \"metadata\": " + "[".repeat(500) + "]".repeat(500) + "}";
        assertThat(parser.parse("deep.json", deep).inputError()).contains("nesting depth");
    }

    @Test
    void readsACsvWithoutExtensionWhenItsHeaderNamesPrompt() {
        ParsedInput input = parser.parse("drop", "prompt,provider\na cat,rendernet\n");
        assertThat(input.records()).singleElement()
                .satisfies(r -> assertThat(r.node().path("provider").asText()).isEqualTo("rendernet"));
    }
}
