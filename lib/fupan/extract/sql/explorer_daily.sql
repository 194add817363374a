-- Day × channel × customer type (the worked-example explorer's filters), over the same days as
-- daily_channel.sql and with its 口径: money summed from order_level (lines not cancelled), orders
-- = orders not cancelled. Customer type: 'new' when the order is the customer's first order ever
-- (first_orders, matched as daily_channel.sql counts new_customers), else 'returning'. Additive
-- columns only, so any filter of days, channels and types sums; summed over customer_type the
-- rows equal daily_channel.sql's gmv, refunds and orders per day × channel.
SELECT o.order_date                                         AS date,
       o.channel,
       CASE WHEN f.user_key IS NULL THEN 'returning' ELSE 'new' END AS customer_type,
       CAST(sum(o.gmv) AS DOUBLE)                           AS gmv,
       CAST(sum(o.refunds) AS DOUBLE)                       AS refunds,
       count(*) FILTER (WHERE NOT o.cancelled)              AS orders
FROM order_level o
LEFT JOIN first_orders f
       ON f.user_key = o.user_key AND f.first_ts = o.order_ts AND NOT o.cancelled
WHERE o.order_date BETWEEN (SELECT min(start_date) FROM windows) AND (SELECT max(end_date) FROM windows)
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
