package org.imagegen.support;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A statement's parameters set in one call, in the order its placeholders stand: a line that reads like the
 * statement's columns instead of a run of numbered setters. Texts, numbers, and enums by name (the store's state
 * columns hold an enum's name). A nullable number is set with {@link NullableColumns}.
 */
public final class Parameters {

    private Parameters() {
    }

    /** Sets {@code values} as the parameters 1, 2, … of {@code statement}, and returns it. */
    public static PreparedStatement bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            int index = i + 1;
            Object value = values[i];
            if (value instanceof String text) {
                statement.setString(index, text);
            } else if (value instanceof Long number) {
                statement.setLong(index, number);
            } else if (value instanceof Integer number) {
                statement.setInt(index, number);
            } else if (value instanceof Enum<?> constant) {
                statement.setString(index, constant.name());
            } else {
                throw new IllegalArgumentException("parameter " + index + ": " + (value == null
                        ? "null (a nullable number is set with NullableColumns)"
                        : "no column type for " + value.getClass().getName()));
            }
        }
        return statement;
    }
}
