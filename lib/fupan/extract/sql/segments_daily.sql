-- Day × dimension × element: GMV (additive, from order lines not cancelled) and orders (distinct
-- orders containing the element; orders are dated by their first line, so daily counts add up
-- over a window). Dimensions: channel and customer type (new = the customer's first order ever)
-- are order-level; category and price band (unit price = paid_amount / quantity) are line-level.
WITH lines AS (
    SELECT l.order_date AS date, o.order_id, l.channel,
           CASE WHEN f.first_ts = l.order_ts THEN 'new' ELSE 'returning' END AS customer_type,
           coalesce(o.category, 'unknown') AS category,
           CASE WHEN o.paid_amount / greatest(o.quantity, 1) < 100 THEN '<100'
                WHEN o.paid_amount / greatest(o.quantity, 1) < 200 THEN '100-199'
                WHEN o.paid_amount / greatest(o.quantity, 1) < 500 THEN '200-499'
                ELSE '500+' END AS price_band,
           CAST(o.paid_amount AS DECIMAL(18, 2)) AS gmv
    FROM orders o
    JOIN order_level l USING (order_id)
    LEFT JOIN first_orders f ON f.user_id = l.user_id
    WHERE o.status <> 'cancelled'
      AND l.order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
), long AS (
    SELECT date, order_id, gmv, 'channel' AS dimension, channel AS element FROM lines
    UNION ALL SELECT date, order_id, gmv, 'customer_type', customer_type FROM lines
    UNION ALL SELECT date, order_id, gmv, 'category', category FROM lines
    UNION ALL SELECT date, order_id, gmv, 'price_band', price_band FROM lines
)
SELECT date, dimension, element,
       CAST(sum(gmv) AS DOUBLE)    AS gmv,
       count(DISTINCT order_id)    AS orders
FROM long
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
