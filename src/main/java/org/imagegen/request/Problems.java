package org.imagegen.request;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one record, each stamped with the record's number and id. */
public final class Problems {

    private final int record;
    private String id;
    private final List<Problem> found = new ArrayList<>();

    public Problems(int record) {
        this.record = record;
    }

    void identify(String id) {
        this.id = id;
    }

    public void add(String field, String message) {
        found.add(new Problem(record, id, field, message));
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    public List<Problem> list() {
        return List.copyOf(found);
    }
}
