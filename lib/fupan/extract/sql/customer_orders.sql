-- One row per order not cancelled, for the customer analyses (new vs returning, repeat, cohorts,
-- RFM). The customer is order_level's user_key: raw identifiers never leave the database.
-- Only what those analyses read: no text column (at 8M orders a text column alone would be 8M
-- Python strings, ~0.5 GB, in the report's kernel).
-- fupan.extract.aggregates.customer_orders adds the ORDER BY: by customer, then time (then the
-- order id, only when two orders of a customer share a time), so that each customer's orders are
-- consecutive and in order and the analyses' per-customer group-bys walk their keys in sequence
-- (at 8M orders and 2M customers a pandas group-by over the keys in time order took ~7× as long,
-- its hash table missing the cache).
SELECT user_key,
       order_ts,
       CAST(gmv AS DOUBLE)           AS gmv,
       CAST(gmv - refunds AS DOUBLE) AS net
FROM order_level
WHERE NOT cancelled
