package dev.pibl.app.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** /add and /sub: the calculation as a table, then the HTTP shape of success and failure. */
class ArithmeticTest {

    @RegisterExtension
    static final DemoNode node = new DemoNode();

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "add | 2                   | 3    | {\"op\":\"add\",\"a\":2,\"b\":3,\"result\":5,\"node\":\"n\"}",
            "sub | 2                   | 3    | {\"op\":\"sub\",\"a\":2,\"b\":3,\"result\":-1,\"node\":\"n\"}",
            "add | -7                  | 7    | {\"op\":\"add\",\"a\":-7,\"b\":7,\"result\":0,\"node\":\"n\"}",
            "add | 1.5                 | 2.25 | {\"op\":\"add\",\"a\":1.5,\"b\":2.25,\"result\":3.75,\"node\":\"n\"}",
            "sub | 0.1                 | 3    | {\"op\":\"sub\",\"a\":0.1,\"b\":3,\"result\":-2.9,\"node\":\"n\"}",
            "add | 9223372036854775806 | 1    | {\"op\":\"add\",\"a\":9223372036854775806,\"b\":1,\"result\":9223372036854775807,\"node\":\"n\"}",
            "add | 9223372036854775807.5 | 1  | {\"op\":\"add\",\"a\":9223372036854775807.5,\"b\":1,\"result\":9223372036854775808.5,\"node\":\"n\"}",
    })
    void computesExactly(String op, String a, String b, String json) {
        assertThat(Arithmetic.evaluate(op, a, b, "n")).isEqualTo(new Arithmetic.Result(200, json));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "add | null                 | 3    | missing parameter a",
            "add | 1                    | ''   | missing parameter b",
            "add | x                    | 3    | a is not a number: x",
            "add | 1e3                  | 3    | a is not a number: 1e3",
            "add | 1.                   | 3    | a is not a number: 1.",
            "add | .5                   | 3    | a is not a number: .5",
            "add | --1                  | 3    | a is not a number: --1",
            "add | 1                    | 0x10 | b is not a number: 0x10",
            "add | 9223372036854775808  | 0    | a does not fit in a signed 64-bit integer: 9223372036854775808",
            "add | 9223372036854775807  | 1    | overflow: the result does not fit in a signed 64-bit integer",
            "sub | -9223372036854775808 | 1    | overflow: the result does not fit in a signed 64-bit integer",
            "add | 11111111111111111111111111111111111111111 | 1 | a is longer than 40 characters",
    })
    void rejectsWithAReason(String op, String a, String b, String error) {
        assertThat(Arithmetic.evaluate(op, a, b, "n"))
                .isEqualTo(new Arithmetic.Result(400, "{\"error\":\"" + error + "\",\"node\":\"n\"}"));
    }

    @Test
    void addOverHttp() throws Exception {
        HttpResponse<String> response = get("/add?a=2&b=3");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).isEqualTo("{\"op\":\"add\",\"a\":2,\"b\":3,\"result\":5,\"node\":\"node-1\"}");
    }

    @Test
    void subOverHttpDecodesPercentEscapes() throws Exception {
        HttpResponse<String> response = get("/sub?b=%2D4&a=10&unused=1");

        assertThat(response.body()).isEqualTo("{\"op\":\"sub\",\"a\":10,\"b\":-4,\"result\":14,\"node\":\"node-1\"}");
    }

    @Test
    void badParameterIs400WithAJsonError() throws Exception {
        HttpResponse<String> response = get("/add?a=2&b=three");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("X-Backend")).hasValue("node-1");
        assertThat(response.body()).isEqualTo("{\"error\":\"b is not a number: three\",\"node\":\"node-1\"}");
    }

    @Test
    void missingParameterIs400() throws Exception {
        assertThat(get("/sub?a=1").statusCode()).isEqualTo(400);
        assertThat(get("/add").body()).isEqualTo("{\"error\":\"missing parameter a\",\"node\":\"node-1\"}");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(node.uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
