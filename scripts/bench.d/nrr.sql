-- csm-nrr -g segment in DuckDB's SQL, for scripts/bench (which puts the
-- input's path for @FILE@): ARR summed per account in the latest month and
-- the one 12 before, in exact decimals, each account's movement, totalled
-- per segment (the segment of the account's first row), with NRR.  No
-- reactivation: the same passes over the data as nrr.mlr.
COPY (
    WITH r AS (
        SELECT account_id, segment, period,
            TRY_CAST(arr AS DECIMAL(18, 2)) AS arr
        FROM read_csv('@FILE@', header = true, all_varchar = true)
    ), p AS (
        SELECT max(period) AS p_end,
            printf('%04d', CAST(substr(max(period), 1, 4) AS INTEGER) - 1) ||
                substr(max(period), 5) AS p_start
        FROM r
    ), a AS (
        SELECT account_id, first(segment) AS segment,
            sum(CASE WHEN period = p.p_start THEN arr ELSE 0 END) AS s,
            sum(CASE WHEN period = p.p_end THEN arr ELSE 0 END) AS e
        FROM r, p
        GROUP BY account_id
    ), g AS (
        SELECT segment, sum(s) AS arr_start,
            sum(CASE WHEN s > 0 AND e > s THEN e - s ELSE 0 END) AS expansion,
            sum(CASE WHEN e > 0 AND e < s THEN s - e ELSE 0 END) AS contraction,
            sum(CASE WHEN s > 0 AND e = 0 THEN s ELSE 0 END) AS churn,
            sum(CASE WHEN s = 0 AND e > 0 THEN e ELSE 0 END) AS new,
            sum(e) AS arr_end
        FROM a
        GROUP BY segment
    )
    SELECT *, round((arr_start + expansion - contraction - churn) * 100 /
            arr_start, 2) AS nrr
    FROM g
    ORDER BY segment
) TO '/dev/stdout' (FORMAT csv, HEADER);
