-- Dunning's log-likelihood G² of a 2×2 table: a = the term (or topic) this week, b = everything
-- else this week, c = the term in the baseline, d = everything else in the baseline. Large when this
-- week's share differs from the baseline's more than chance allows (χ² with 1 degree of freedom).
CREATE OR REPLACE MACRO g2_2x2(a, b, c, d) AS
    CASE WHEN a + b + c + d = 0 OR a + b = 0 OR c + d = 0 THEN 0 ELSE 2 * (
        (CASE WHEN a > 0 THEN a * ln(a * (a + b + c + d) / ((a + b) * (a + c))) ELSE 0 END) +
        (CASE WHEN b > 0 THEN b * ln(b * (a + b + c + d) / ((a + b) * (b + d))) ELSE 0 END) +
        (CASE WHEN c > 0 THEN c * ln(c * (a + b + c + d) / ((c + d) * (a + c))) ELSE 0 END) +
        (CASE WHEN d > 0 THEN d * ln(d * (a + b + c + d) / ((c + d) * (b + d))) ELSE 0 END)) END;
