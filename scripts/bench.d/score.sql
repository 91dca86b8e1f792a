-- The default csm-score config in DuckDB's SQL, for scripts/bench (which
-- puts the input's path for @FILE@): the same five components, points,
-- steps and map, weights renormalised over the components present, and a
-- row whose present components weigh under 50 of 100 unscored.  Every
-- input column is kept, as text, and the two appended.
CREATE MACRO pts(x, x0, s0, x1, s1, x2, s2) AS
    CASE WHEN x <= x0 THEN s0
         WHEN x <= x1 THEN s0 + (s1 - s0) * (x - x0) / (x1 - x0)
         WHEN x <= x2 THEN s1 + (s2 - s1) * (x - x1) / (x2 - x1)
         ELSE s2 END;
COPY (
    WITH v AS (
        SELECT *,
            TRY_CAST(active_users AS DOUBLE) AS v_au,
            TRY_CAST(licensed_seats AS DOUBLE) AS v_ls,
            TRY_CAST(logins_30d AS DOUBLE) AS v_l,
            TRY_CAST(logins_prev_30d AS DOUBLE) AS v_lp,
            TRY_CAST(tickets_30d AS DOUBLE) AS v_tk,
            TRY_CAST(nps AS DOUBLE) AS v_nps
        FROM read_csv('@FILE@', header = true, all_varchar = true)
    ), s AS (
        SELECT *,
            CASE WHEN v_ls <> 0 THEN pts(v_au / v_ls, 0, 0, 0.5, 50, 0.8, 100)
            END AS s_adoption,
            CASE WHEN v_lp <> 0
                THEN pts((v_l - v_lp) / abs(v_lp), -0.5, 0, 0, 70, 0.2, 100)
            END AS s_engagement,
            pts(v_tk, 0, 100, 5, 50, 15, 0) AS s_support,
            CASE WHEN v_nps >= 9 THEN 100 WHEN v_nps >= 7 THEN 60
                 WHEN v_nps IS NOT NULL THEN 0 END AS s_sentiment,
            CASE champion_left WHEN 'yes' THEN 0 WHEN 'no' THEN 100
            END AS s_relationship
        FROM v
    ), w AS (
        SELECT *,
            (CASE WHEN s_adoption IS NULL THEN 0 ELSE 30 END +
             CASE WHEN s_engagement IS NULL THEN 0 ELSE 25 END +
             CASE WHEN s_support IS NULL THEN 0 ELSE 20 END +
             CASE WHEN s_sentiment IS NULL THEN 0 ELSE 15 END +
             CASE WHEN s_relationship IS NULL THEN 0 ELSE 10 END) AS w_sum,
            (coalesce(30 * s_adoption, 0) + coalesce(25 * s_engagement, 0) +
             coalesce(20 * s_support, 0) + coalesce(15 * s_sentiment, 0) +
             coalesce(10 * s_relationship, 0)) AS p_sum
        FROM s
    ), r AS (
        SELECT *, CASE WHEN w_sum >= 50 THEN round(p_sum / w_sum) END AS score
        FROM w
    )
    SELECT * EXCLUDE (v_au, v_ls, v_l, v_lp, v_tk, v_nps, s_adoption,
            s_engagement, s_support, s_sentiment, s_relationship, w_sum,
            p_sum, score),
        CAST(score AS BIGINT) AS health_score,
        CASE WHEN score IS NULL THEN 'unscored' WHEN score >= 75 THEN 'green'
             WHEN score >= 50 THEN 'yellow' ELSE 'red' END AS health_band
    FROM r
) TO '/dev/stdout' (FORMAT csv, HEADER);
