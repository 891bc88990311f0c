-- Upper-tail p-value of a χ² statistic with 1 degree of freedom (G², Pearson's χ²):
-- p = erfc(√(x/2)), erfc by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7), written as
-- t·(a₁ + t·(a₂ + t·(a₃ + t·(a₄ + t·a₅))))·e^(−x/2) with t = 1 / (1 + 0.3275911·√(x/2)).
CREATE OR REPLACE MACRO chi2_p1(x) AS
    CASE WHEN x IS NULL THEN NULL WHEN x <= 0 THEN 1.0 ELSE
        list_reduce([1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592],
                    (acc, a) -> a + acc / (1.0 + 0.3275911 * sqrt(x / 2.0)))
        / (1.0 + 0.3275911 * sqrt(x / 2.0)) * exp(-x / 2.0)
    END;
