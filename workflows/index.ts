export { enrollmentWorkflow } from './enrollment';
export { commissionHoldWorkflow } from './commission-hold';
export { broadcastWorkflow } from './broadcast';
