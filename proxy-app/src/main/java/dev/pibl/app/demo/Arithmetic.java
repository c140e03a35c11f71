package dev.pibl.app.demo;

import java.math.BigDecimal;

/**
 * The /add and /sub calculations, free of Netty so they can be tested as a table. Integers stay
 * 64-bit and overflow is an error rather than a silently different type; decimals use BigDecimal,
 * bounded in length so a request cannot make the node do unbounded arithmetic.
 */
final class Arithmetic {

    /** Longest operand accepted: enough for any long and for realistic decimals. */
    private static final int MAX_OPERAND_LENGTH = 40;

    /** The outcome: a status code (200 or 400) and the JSON body. */
    record Result(int status, String json) {
    }

    private Arithmetic() {
    }

    /** Evaluates {@code op} ("add" or "sub") on the raw query values, which may be null when absent. */
    static Result evaluate(String op, String rawA, String rawB, String node) {
        boolean add = switch (op) {
            case "add" -> true;
            case "sub" -> false;
            default -> throw new IllegalArgumentException("op: " + op + " (expected: add or sub)");
        };
        Object a = parse("a", rawA);
        if (a instanceof String error) {
            return error(error, node);
        }
        Object b = parse("b", rawB);
        if (b instanceof String error) {
            return error(error, node);
        }
        String result;
        if (a instanceof Long x && b instanceof Long y) {
            try {
                result = Long.toString(add ? Math.addExact(x, y) : Math.subtractExact(x, y));
            } catch (ArithmeticException overflow) {
                return error("overflow: the result does not fit in a signed 64-bit integer", node);
            }
        } else {
            BigDecimal x = decimal(a);
            BigDecimal y = decimal(b);
            result = (add ? x.add(y) : x.subtract(y)).toPlainString();
        }
        StringBuilder json = new StringBuilder(64 + node.length());
        json.append("{\"op\":\"").append(op)
                .append("\",\"a\":").append(text(a))
                .append(",\"b\":").append(text(b))
                .append(",\"result\":").append(result)
                .append(",\"node\":");
        Json.quote(json, node).append('}');
        return new Result(200, json.toString());
    }

    /** Returns a Long, a BigDecimal, or a String describing why {@code raw} is not a number. */
    private static Object parse(String name, String raw) {
        if (raw == null || raw.isEmpty()) {
            return "missing parameter " + name;
        }
        if (raw.length() > MAX_OPERAND_LENGTH) {
            return name + " is longer than " + MAX_OPERAND_LENGTH + " characters";
        }
        // Hand-rolled instead of a regex: -?digits(.digits)? is all the grammar there is.
        int i = raw.charAt(0) == '-' ? 1 : 0;
        int digitsBefore = 0;
        while (i < raw.length() && isDigit(raw.charAt(i))) {
            i++;
            digitsBefore++;
        }
        boolean decimal = false;
        int digitsAfter = 0;
        if (i < raw.length() && raw.charAt(i) == '.') {
            decimal = true;
            i++;
            while (i < raw.length() && isDigit(raw.charAt(i))) {
                i++;
                digitsAfter++;
            }
        }
        if (i != raw.length() || digitsBefore == 0 || decimal && digitsAfter == 0) {
            return name + " is not a number: " + raw;
        }
        if (decimal) {
            return new BigDecimal(raw);
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException tooBig) {
            return name + " does not fit in a signed 64-bit integer: " + raw;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static BigDecimal decimal(Object n) {
        return n instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) n;
    }

    private static String text(Object n) {
        return n instanceof Long l ? Long.toString(l) : ((BigDecimal) n).toPlainString();
    }

    private static Result error(String message, String node) {
        StringBuilder json = new StringBuilder(32 + message.length() + node.length()).append("{\"error\":");
        Json.quote(json, message).append(",\"node\":");
        Json.quote(json, node).append('}');
        return new Result(400, json.toString());
    }
}
