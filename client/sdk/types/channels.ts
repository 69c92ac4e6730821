/** Shapes of the server's responses (channels), as the SDK exposes them: one definition, in contracts/. */
export type {
  AddMemberRequest,
  ChannelDevicesView,
  ChannelKind,
  ChannelMemberView,
  ChannelSummary,
  ChannelView,
  CreateChannelRequest,
  EpochKeyView,
  HistoryShareView,
  MemberDeviceView,
  MemberRole,
  OpenedEpochView,
  OpenEpochInput,
  SharingRestriction,
  ShareHistoryInput,
} from '../../../contracts/channels.js';
