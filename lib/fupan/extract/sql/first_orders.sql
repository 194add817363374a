-- Each customer's first order ever (not cancelled): its date and channel.
-- 口径: a new customer of a window is one whose first order ever falls inside that window.
SELECT user_key,
       min(order_ts)                    AS first_ts,
       CAST(min(order_ts) AS DATE)      AS first_date,
       arg_min(channel, order_ts)       AS first_channel
FROM order_level
WHERE NOT cancelled
GROUP BY user_key
