-- Day × dimension × element: GMV (additive, from order lines not cancelled) and orders (distinct
-- orders containing the element; orders are dated by their first line, so daily counts add up
-- over a window). Dimensions: channel and customer type (new = the customer's first order ever)
-- are order-level, so they are counted from order_level.sql (an order not cancelled has a line
-- not cancelled, and its gmv is the sum of those lines); category and price band (unit price =
-- paid_amount / quantity) are line-level, counted from the lines as distinct orders.
WITH orders_in AS (
    SELECT l.order_date AS date, l.order_id, l.channel, l.gmv,
           CASE WHEN f.first_ts = l.order_ts THEN 'new' ELSE 'returning' END AS customer_type
    FROM order_level l
    LEFT JOIN first_orders f ON f.user_key = l.user_key
    WHERE NOT l.cancelled
      AND l.order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
), lines AS (
    SELECT o.order_date AS date, o.order_id,
           coalesce(o.category, 'unknown') AS category,
           CASE WHEN o.paid_amount / greatest(o.quantity, 1) < 100 THEN '<100'
                WHEN o.paid_amount / greatest(o.quantity, 1) < 200 THEN '100-199'
                WHEN o.paid_amount / greatest(o.quantity, 1) < 500 THEN '200-499'
                ELSE '500+' END AS price_band,
           CAST(o.paid_amount AS DECIMAL(18, 2)) AS gmv
    FROM order_lines o
    WHERE o.order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
), counted AS (
    SELECT date, 'channel' AS dimension, channel AS element, sum(gmv) AS gmv, count(*) AS orders
    FROM orders_in GROUP BY 1, 2, 3
    UNION ALL
    SELECT date, 'customer_type', customer_type, sum(gmv), count(*) FROM orders_in GROUP BY 1, 2, 3
    UNION ALL
    SELECT date, 'category', category, sum(gmv), count(DISTINCT order_id) FROM lines GROUP BY 1, 2, 3
    UNION ALL
    SELECT date, 'price_band', price_band, sum(gmv), count(DISTINCT order_id) FROM lines GROUP BY 1, 2, 3
)
SELECT date, dimension, element, CAST(gmv AS DOUBLE) AS gmv, orders
FROM counted
ORDER BY 1, 2, 3
