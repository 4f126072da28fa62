package org.imagegen.provider.definition;

/**
 * Bulk status: many generations' statuses in one list call (BulkStatus). One section of a {@link
 * ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class BulkStatusProperties {

    private String bulkStatus;
    private String bulkStatusPath;
    private String bulkStatusPageSize;
    private String bulkStatusPages;
    private String bulkStatusItems;
    private String bulkStatusId;

    /**
     * Bulk status: {@code true} (the default when bulkStatusPath is declared) to list the provider's latest
     * generations every imagegen.poll.sweep-interval and answer their jobs' checks from the list; {@code false}: every
     * job is checked on its own.
     */
    public String getBulkStatus() {
        return bulkStatus;
    }

    public void setBulkStatus(String bulkStatus) {
        this.bulkStatus = bulkStatus;
    }

    /**
     * Bulk status: the path of one page of the list, newest first; {@code ${pageSize}}, {@code ${page}} (from 1) and
     * {@code ${offset}} (from 0) are replaced. Blank: no bulk status.
     */
    public String getBulkStatusPath() {
        return bulkStatusPath;
    }

    public void setBulkStatusPath(String bulkStatusPath) {
        this.bulkStatusPath = bulkStatusPath;
    }

    /** Bulk status: how many generations a page asks for (required with bulkStatusPath). */
    public String getBulkStatusPageSize() {
        return bulkStatusPageSize;
    }

    public void setBulkStatusPageSize(String bulkStatusPageSize) {
        this.bulkStatusPageSize = bulkStatusPageSize;
    }

    /** Bulk status: how many pages one sweep reads at most (default 1); a page that is not full ends it sooner. */
    public String getBulkStatusPages() {
        return bulkStatusPages;
    }

    public void setBulkStatusPages(String bulkStatusPages) {
        this.bulkStatusPages = bulkStatusPages;
    }

    /**
     * Bulk status: jq from a page to its generations, an array whose every item reads, by statusOutcome, as the
     * answer of that generation's own status check would. Required with bulkStatusPath.
     */
    public String getBulkStatusItems() {
        return bulkStatusItems;
    }

    public void setBulkStatusItems(String bulkStatusItems) {
        this.bulkStatusItems = bulkStatusItems;
    }

    /** Bulk status: jq from one item (as bulkStatusItems gives it) to its generation's id. Required with bulkStatusPath. */
    public String getBulkStatusId() {
        return bulkStatusId;
    }

    public void setBulkStatusId(String bulkStatusId) {
        this.bulkStatusId = bulkStatusId;
    }
}
