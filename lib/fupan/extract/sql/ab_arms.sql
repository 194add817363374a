-- A/B test, summed up per arm: the users who had an event with a variant inside the campaign
-- window, each in the arm of the smallest variant seen and `mixed` when they saw more than one;
-- per (variant, mixed) the users, those with an order inside the same window (`converted`), and
-- the mean and sample variance of the users' GMV in the window, zeros included — the sufficient
-- statistics of the conversion z-test and the revenue Welch t-test
-- (fupan.metrics.experiment.evaluate_arms). No user leaves the query: users are the 64-bit keys
-- of user_windows (fupan.extract.behaviour: one row per customer, the ranks of the smallest and
-- largest variant seen on the campaign window's days, in the variants' sort order; the extract
-- names the arms from the ranks); orders are matched by the same key, which customer_keys gives
-- each of the orders' customers (fupan.ingest.validate.inplace.customer_relations), found by
-- order_level's user_key, the hash of its user_id.
WITH exposed AS (
    SELECT user_key,
           variant_min                 AS variant,
           variant_max <> variant_min  AS mixed
    FROM user_windows
    WHERE variant_min IS NOT NULL
), bought AS (
    SELECT k.user_key, count(*) AS orders, CAST(sum(o.gmv) AS DOUBLE) AS gmv
    FROM order_level o JOIN customer_keys k ON hash(k.user_id) = o.user_key
    WHERE NOT cancelled
      AND order_date BETWEEN (SELECT start_date FROM windows WHERE phase = 'campaign')
                         AND (SELECT end_date FROM windows WHERE phase = 'campaign')
    GROUP BY 1
), users AS (
    SELECT e.variant, e.mixed, coalesce(b.orders, 0) AS orders, coalesce(b.gmv, 0.0) AS gmv
    FROM exposed e LEFT JOIN bought b USING (user_key)
)
SELECT variant,
       mixed,
       count(*)                               AS users,
       count(CASE WHEN orders > 0 THEN 1 END) AS converted,
       avg(gmv)                               AS gmv_mean,
       var_samp(gmv)                          AS gmv_var
FROM users
GROUP BY 1, 2
ORDER BY 1, 2
