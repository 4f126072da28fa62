package org.imagegen.provider.definition;

/**
 * Finding a generation whose create answer was lost: by our key, or in the provider's list (FindByList). One
 * section of a {@link ProviderDefinition}; docs/adding-a-provider.md describes each property.
 */
public class FindProperties {

    private String findMethod;
    private String findPath;
    private String findBody;
    private String findId;
    private String findList;
    private String findListPath;
    private String findListPageSize;
    private String findListPageSizeMin;
    private String findListPageSizeMax;
    private String findListItems;
    private String findListComplete;

    /** Find-by-key: HTTP method (default GET); absent findPath means the provider cannot be searched. */
    public String getFindMethod() {
        return findMethod;
    }

    public void setFindMethod(String findMethod) {
        this.findMethod = findMethod;
    }

    /** Find-by-key: path; {@code ${key}} is replaced by our job key. */
    public String getFindPath() {
        return findPath;
    }

    public void setFindPath(String findPath) {
        this.findPath = findPath;
    }

    /** Find-by-key: jq from our request to a body (POST searches). */
    public String getFindBody() {
        return findBody;
    }

    public void setFindBody(String findBody) {
        this.findBody = findBody;
    }

    /** Find-by-key: jq from the answer to the generation id, null or empty when none. */
    public String getFindId() {
        return findId;
    }

    public void setFindId(String findId) {
        this.findId = findId;
    }

    /**
     * Find by list: {@code true} (the default when findListPath is declared) to look a create whose answer was lost
     * up in the provider's list of generations; {@code false} parks such a job for a person.
     */
    public String getFindList() {
        return findList;
    }

    public void setFindList(String findList) {
        this.findList = findList;
    }

    /** Find by list: the path of the list's first page (newest first); {@code ${pageSize}} is replaced. */
    public String getFindListPath() {
        return findListPath;
    }

    public void setFindListPath(String findListPath) {
        this.findListPath = findListPath;
    }

    /** Find by list: how many generations the page asks for (required with findListPath). */
    public String getFindListPageSize() {
        return findListPageSize;
    }

    public void setFindListPageSize(String findListPageSize) {
        this.findListPageSize = findListPageSize;
    }

    /** Find by list: the smallest page size the API accepts (default 1); a findListPageSize below it stops the start. */
    public String getFindListPageSizeMin() {
        return findListPageSizeMin;
    }

    public void setFindListPageSizeMin(String findListPageSizeMin) {
        this.findListPageSizeMin = findListPageSizeMin;
    }

    /** Find by list: the largest page size the API accepts; a findListPageSize above it stops the start. */
    public String getFindListPageSizeMax() {
        return findListPageSizeMax;
    }

    public void setFindListPageSizeMax(String findListPageSizeMax) {
        this.findListPageSizeMax = findListPageSizeMax;
    }

    /**
     * Find by list: jq from the page to the generations that may be the job's, an array of {@code {id, createdAt}}
     * (createdAt: epoch seconds, or ISO-8601 text); {@code $request} is our request. Required with findListPath.
     */
    public String getFindListItems() {
        return findListItems;
    }

    public void setFindListItems(String findListItems) {
        this.findListItems = findListItems;
    }

    /** Find by list: jq from the page, true when it holds every generation the provider has; blank: never known. */
    public String getFindListComplete() {
        return findListComplete;
    }

    public void setFindListComplete(String findListComplete) {
        this.findListComplete = findListComplete;
    }
}
