-- Issue 17: a line may be bound to a MAG set-top box by its MAC address,
-- kept in one written form ("00:1A:79:AB:CD:EF", upper-case, colons: see
-- common/xt_mac.h) so UNIQUE compares boxes, not spellings.  NULL = none.
ALTER TABLE `lines` ADD COLUMN IF NOT EXISTS mac CHAR(17) CHARACTER SET ascii NULL DEFAULT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS lines_mac ON `lines` (mac);
