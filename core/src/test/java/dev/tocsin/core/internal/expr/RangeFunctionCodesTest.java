package dev.tocsin.core.internal.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The int codes {@link RangeFunctions#apply} switches on are the codes of the functions they name. */
class RangeFunctionCodesTest {

    @Test
    void eachCodeIsItsFunctionsCode() {
        Map<String, Integer> codes = new LinkedHashMap<>();
        codes.put("rate", RangeFunctions.RATE);
        codes.put("increase", RangeFunctions.INCREASE);
        codes.put("delta", RangeFunctions.DELTA);
        codes.put("irate", RangeFunctions.IRATE);
        codes.put("idelta", RangeFunctions.IDELTA);
        codes.put("deriv", RangeFunctions.DERIV);
        codes.put("changes", RangeFunctions.CHANGES);
        codes.put("resets", RangeFunctions.RESETS);
        codes.put("avg_over_time", RangeFunctions.AVG_OVER_TIME);
        codes.put("min_over_time", RangeFunctions.MIN_OVER_TIME);
        codes.put("max_over_time", RangeFunctions.MAX_OVER_TIME);
        codes.put("sum_over_time", RangeFunctions.SUM_OVER_TIME);
        codes.put("count_over_time", RangeFunctions.COUNT_OVER_TIME);
        codes.put("last_over_time", RangeFunctions.LAST_OVER_TIME);
        codes.put("quantile_over_time", RangeFunctions.QUANTILE_OVER_TIME);
        codes.put("absent_over_time", RangeFunctions.ABSENT_OVER_TIME);
        codes.put("present_over_time", RangeFunctions.PRESENT_OVER_TIME);
        codes.put("stddev_over_time", RangeFunctions.STDDEV_OVER_TIME);
        codes.put("stdvar_over_time", RangeFunctions.STDVAR_OVER_TIME);
        codes.put("predict_linear", RangeFunctions.PREDICT_LINEAR);
        codes.put("holt_winters", RangeFunctions.HOLT_WINTERS);
        codes.forEach((name, code) -> assertThat(RangeFunctions.code(name)).as(name).isEqualTo(code));
        assertThat(RangeFunctions.code("not_a_function")).isEqualTo(-1);
        assertThat(RangeFunctions.code("holt_winters") + 1).as("every function has a constant")
                .isEqualTo(codes.size());
    }
}
