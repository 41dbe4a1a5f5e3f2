/**
 * The accessibility statement's dates (Commission Implementing Decision (EU) 2018/1523, section
 * "Preparation of this accessibility statement"): when it was first prepared and when it was last
 * reviewed. Change `REVIEWED_ON` when the statement is reviewed again (at least once a year).
 */
export const STATEMENT_PREPARED_ON = '2026-12-04';
export const STATEMENT_REVIEWED_ON = '2026-12-04';

/**
 * What the statement lists as not accessible, each a string key under
 * `accessibility.statement.nonAccessible`: what we know from the portal's own code and content.
 */
export const NON_COMPLIANT = ['photos', 'map', 'uploadedDocuments'] as const;
/** Content outside the law's scope or not ours (third-party content): the decisions' documents, the video room. */
export const OUT_OF_SCOPE = ['diavgeiaDocuments', 'jitsi'] as const;
