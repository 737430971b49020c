export { enrollmentWorkflow } from './enrollment';
export { commissionHoldWorkflow } from './commission-hold';
