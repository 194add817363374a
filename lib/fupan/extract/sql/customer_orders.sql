-- One row per order not cancelled, for the customer analyses (new vs returning, repeat, cohorts,
-- RFM). The customer is a 64-bit hash of user_id: raw identifiers never leave the database.
SELECT hash(user_id)                 AS user_key,
       order_ts,
       CAST(gmv AS DOUBLE)           AS gmv,
       CAST(gmv - refunds AS DOUBLE) AS net,
       channel
FROM order_level
WHERE NOT cancelled
ORDER BY order_ts, order_id
