-- A/B test: one row per user who had an event with a variant inside the campaign window, with the
-- orders and GMV of that user inside the same window. No user identifier is returned.
WITH exposed AS (
    SELECT user_id, min(variant) AS variant, count(DISTINCT variant) AS n_variants
    FROM events
    WHERE variant IS NOT NULL
      AND CAST(event_time AS DATE) BETWEEN (SELECT start_date FROM windows WHERE phase = 'campaign')
                                       AND (SELECT end_date FROM windows WHERE phase = 'campaign')
    GROUP BY user_id
), bought AS (
    SELECT user_id, count(*) AS orders, CAST(sum(gmv) AS DOUBLE) AS gmv
    FROM order_level
    WHERE NOT cancelled
      AND order_date BETWEEN (SELECT start_date FROM windows WHERE phase = 'campaign')
                         AND (SELECT end_date FROM windows WHERE phase = 'campaign')
    GROUP BY user_id
)
SELECT e.variant, e.n_variants, coalesce(b.orders, 0) AS orders, coalesce(b.gmv, 0.0) AS gmv
FROM exposed e LEFT JOIN bought b USING (user_id)
ORDER BY hash(e.user_id)
